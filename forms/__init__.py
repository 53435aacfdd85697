"""Qt Designer forms (.ui) loaded at run time by the UI layer."""
