	.section .hyp_symbols, "a"
	.balign 8
	.globl hyp_sym_count
	.globl hyp_sym_addrs
	.globl hyp_sym_name_offs
	.globl hyp_sym_names
hyp_sym_count:
	.quad 0
hyp_sym_addrs:
hyp_sym_name_offs:
hyp_sym_names:
	.section .note.GNU-stack, "", @progbits
