"""Market actors: each has its own chain account(s) and acts only through orders, messages
and the chain, never by reaching into another actor's state."""
