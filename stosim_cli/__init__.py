"""The `stosim` command line: the top layer, over the simulator and the API service (which
import nothing from it)."""
