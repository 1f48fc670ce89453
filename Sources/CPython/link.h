// libpython, found through `pkg-config python3-embed` (python3-dev). This module only carries the
// compiler and linker flags; CPythonShim includes Python.h and wraps the parts of the API in use.
