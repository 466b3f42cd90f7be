"""The generic records layer: declarative resources with CRUD services and routes, scoped and audited."""
