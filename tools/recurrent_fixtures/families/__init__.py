"""The families of cases, each written once over the registry's specs."""
