//! Linux package databases.

pub mod apk;
pub mod dpkg;
pub mod pacman;
pub mod rpm;
mod text;
