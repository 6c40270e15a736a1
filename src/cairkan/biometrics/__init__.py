"""Face verification: the engine (pure, no Django) and the attempt policy around it."""
