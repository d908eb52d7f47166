//! Linux package databases.

pub mod apk;
pub mod dpkg;
pub mod live;
pub mod pacman;
pub mod rpm;
pub mod systemd;
pub(crate) mod text;
