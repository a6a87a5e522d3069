"""The start pages after sign-in: "My business" for members (every product's certification, pre-check,
QR code and labels, and the next steps in order) and "Review" for certifiers (the queue by waiting time,
their own applications, audits due, certificates ending). Built on every feature it summarises;
none of them imports it."""
