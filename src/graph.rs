//! The catalog as one typed graph.
//!
//! Nodes are controls (by qualified id) and catalog deliverables; edges are
//! hierarchy (parent -> child), crosswalk relations (with their source) and
//! `implements` (deliverable -> control). The coverage engine walks crosswalk
//! edges in both directions, reading the relation from the side it comes from.
//!
//! **Invariant**: neighbour lists are sorted (by target id, then crosswalk id),
//! so every walk over the graph is deterministic.

use std::collections::BTreeMap;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;

use crate::model::{Catalog, Degree, Relation, Responsibility};

/// A node of the graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A control, by qualified id.
    Control(String),
    /// A catalog deliverable, by id.
    Deliverable(String),
}

/// An edge of the graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edge {
    /// Parent -> child within a framework.
    Hierarchy,
    /// `from relation to`, from one crosswalk (by id), edge index within it.
    Crosswalk {
        /// Crosswalk id.
        crosswalk: String,
        /// Index of the edge in the crosswalk's list.
        index: usize,
        /// Set relation.
        relation: Relation,
    },
    /// Deliverable -> control.
    Implements {
        /// Degree.
        degree: Degree,
        /// Responsibility.
        responsibility: Responsibility,
    },
}

/// A crosswalk neighbour as seen from one control.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighbour {
    /// Qualified id of the other control.
    pub control: String,
    /// Relation read from this control towards the other (`this rel other`).
    pub relation: Relation,
    /// Crosswalk id.
    pub crosswalk: String,
    /// Index of the edge in its crosswalk.
    pub index: usize,
}

/// The graph with lookups by id.
#[derive(Debug)]
pub struct Graph {
    /// The petgraph graph.
    pub inner: DiGraph<Node, Edge>,
    controls: BTreeMap<String, NodeIndex>,
    neighbours: BTreeMap<String, Vec<Neighbour>>,
}

impl Graph {
    /// Build the graph of a catalog.
    pub fn build(catalog: &Catalog) -> Graph {
        let mut inner = DiGraph::new();
        let mut controls = BTreeMap::new();
        for fw in catalog.frameworks.values() {
            for c in &fw.controls {
                let q = crate::model::qualify(&fw.id, &c.id);
                let ix = inner.add_node(Node::Control(q.clone()));
                controls.insert(q, ix);
            }
        }
        for fw in catalog.frameworks.values() {
            for c in &fw.controls {
                if let Some(p) = &c.parent {
                    let (a, b) = (
                        controls[&crate::model::qualify(&fw.id, p)],
                        controls[&crate::model::qualify(&fw.id, &c.id)],
                    );
                    inner.add_edge(a, b, Edge::Hierarchy);
                }
            }
        }
        for cw in catalog.crosswalks.values() {
            for (index, e) in cw.edges.iter().enumerate() {
                inner.add_edge(
                    controls[&e.from],
                    controls[&e.to],
                    Edge::Crosswalk {
                        crosswalk: cw.id.clone(),
                        index,
                        relation: e.relation,
                    },
                );
            }
        }
        for d in catalog.deliverables.values() {
            let ix = inner.add_node(Node::Deliverable(d.id.clone()));
            for i in &d.implements {
                inner.add_edge(
                    ix,
                    controls[&i.control],
                    Edge::Implements {
                        degree: i.degree,
                        responsibility: i.responsibility,
                    },
                );
            }
        }
        let mut graph = Graph {
            inner,
            controls,
            neighbours: BTreeMap::new(),
        };
        let ids: Vec<String> = graph.controls.keys().cloned().collect();
        for id in ids {
            let n = graph.compute_neighbours(&id);
            if !n.is_empty() {
                graph.neighbours.insert(id, n);
            }
        }
        graph
    }

    /// Node of a control.
    pub fn control(&self, qualified: &str) -> Option<NodeIndex> {
        self.controls.get(qualified).copied()
    }

    /// Crosswalk neighbours of a control, both directions, sorted.
    pub fn crosswalk_neighbours(&self, qualified: &str) -> &[Neighbour] {
        self.neighbours.get(qualified).map_or(&[], Vec::as_slice)
    }

    fn compute_neighbours(&self, qualified: &str) -> Vec<Neighbour> {
        let Some(ix) = self.control(qualified) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for dir in [Direction::Outgoing, Direction::Incoming] {
            for e in self.inner.edges_directed(ix, dir) {
                if let Edge::Crosswalk {
                    crosswalk,
                    index,
                    relation,
                } = e.weight()
                {
                    let other = if dir == Direction::Outgoing {
                        e.target()
                    } else {
                        e.source()
                    };
                    let Node::Control(id) = &self.inner[other] else {
                        continue;
                    };
                    out.push(Neighbour {
                        control: id.clone(),
                        relation: if dir == Direction::Outgoing {
                            *relation
                        } else {
                            relation.inverse()
                        },
                        crosswalk: crosswalk.clone(),
                        index: *index,
                    });
                }
            }
        }
        out.sort_by(|a, b| {
            (&a.control, &a.crosswalk, a.index).cmp(&(&b.control, &b.crosswalk, b.index))
        });
        out
    }

    /// Number of edges of each kind: (hierarchy, crosswalk, implements).
    pub fn edge_counts(&self) -> (usize, usize, usize) {
        let mut counts = (0, 0, 0);
        for e in self.inner.edge_weights() {
            match e {
                Edge::Hierarchy => counts.0 += 1,
                Edge::Crosswalk { .. } => counts.1 += 1,
                Edge::Implements { .. } => counts.2 += 1,
            }
        }
        counts
    }

    /// Catalog deliverables that implement a control directly, sorted by id.
    pub fn implementers(&self, qualified: &str) -> Vec<String> {
        let Some(ix) = self.control(qualified) else {
            return Vec::new();
        };
        let mut out: Vec<String> = self
            .inner
            .edges_directed(ix, Direction::Incoming)
            .filter(|e| matches!(e.weight(), Edge::Implements { .. }))
            .filter_map(|e| match &self.inner[e.source()] {
                Node::Deliverable(d) => Some(d.clone()),
                Node::Control(_) => None,
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }
}
