//! marsad-extract: the political system of an article — events coded in
//! PLOVER, quotations, quantities and dates — from the text layer's tokens and
//! the recogniser's entities.
//!
//! Every extractor returns byte spans into the display text; `marsad` converts
//! them to the contract's character offsets.

pub mod cues;
pub mod dates;
pub mod events;
pub mod genre;
pub mod model;
pub mod quantities;
pub mod quotes;

/// A calendar date as (year, month, day).
pub type Ymd = (i32, u32, u32);
