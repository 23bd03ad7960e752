//! Reports for treasury teams and the firm: figures as people read them,
//! the aged balance, DSO. (The HTML pages and the firm-wide files are built
//! on these.)

pub mod aged;
pub mod dso;
pub mod format;
