"""Resource folder shipped as ofsted_kg.resources.queries (see ofsted_kg/resources)."""
