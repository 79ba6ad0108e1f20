"""Loading, chunking, embedding, storing and searching the report; the e5 model materialised offline."""
