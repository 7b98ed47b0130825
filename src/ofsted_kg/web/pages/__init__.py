"""Linked-data pages (the blueprint is `routes.bp`), as Datasette groups its views: one module per job.

- `routes.py`: the Flask blueprint (URLs, content negotiation, downloads);
- `paths.py`: mapping between this site's paths and the graph's URIs;
- `data.py`: running the page queries and reading labels;
- `views.py`: what each resource page shows; `index.py`: home, lists and search;
- `current.py`: where every authority stands now; `charts.py`: SVG chart geometry;
- `rdf.py`: the RDF forms of a page.
"""
