pub mod admin;
pub mod demo;
pub mod jobs;
pub mod migrate;
pub mod serve;
