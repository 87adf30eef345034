"""The visitor chat: pages, the answer service, the model and its fallback."""
