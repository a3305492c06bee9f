//! The presets, one per claim of the seed note. (To be written.)
