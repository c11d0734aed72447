"""The service layer: what the API does with the store, between the routers (HTTP only) and
the tables. Routers call these functions and never each other."""
