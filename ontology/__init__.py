"""Resource folder shipped as ofsted_kg.resources.ontology (see ofsted_kg/resources)."""
