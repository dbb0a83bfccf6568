pub mod admin;
pub mod demo;
pub mod migrate;
pub mod serve;
