"""The spec layer of the sandbox: routes, request checks and schema-built answers, from the generated tables."""
