//! Linux package databases.

pub mod apk;
pub mod dpkg;
pub mod pacman;
pub mod rpm;
pub(crate) mod text;
