"""stosim's Python API for notebooks and scripts: `import stosim; stosim.run(...)`.

(The shell script `./stosim` beside this file is the command line; this module is the library.)
"""

from simulator import __version__
from simulator.notebook import Result, run, study

__all__ = ["Result", "__version__", "run", "study"]
