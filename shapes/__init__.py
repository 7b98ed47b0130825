"""Resource folder shipped as ofsted_kg.resources.shapes (see ofsted_kg/resources)."""
