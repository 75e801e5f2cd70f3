//! HCL expression evaluation (to be written).
