"""The benchmark of issue 13 (`make bench`, docs/performance.md): the key pages against two
references served by the same server, and the background work, on a generated borough."""
