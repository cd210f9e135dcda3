//! Integration tests through the `kgraph` binary, one module per area (as ripgrep does).

mod util;

mod eval;
mod export;
mod foundation;
mod html;
mod quality;
mod reliability;
mod scale;
