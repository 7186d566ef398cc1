"""What the UI and the exports draw: the network model for vis-network (through pyvis)."""
