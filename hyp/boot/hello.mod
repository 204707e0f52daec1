Hearth boot module: a placeholder until dom0's kernel takes this slot.
