//! Integration tests through the `kgraph` binary, one module per area (as ripgrep does).

mod util;

mod foundation;
mod reliability;
