/*
 * runtime/gdb_script.S: embeds gdb/morestack-gdb.py in every program linked
 * with the runtime (a .debug_gdb_scripts entry of type 4, "Python text", as
 * gdb's manual describes), so gdb loads the script version that matches
 * the runtime, wherever the program goes. gdb runs it only if the program
 * is in its auto-load safe-path (docs/debugging.md); stripping debug
 * information removes it (then `source` the installed copy).
 */
	.section .debug_gdb_scripts,"MS",@progbits,1
	.byte	4
	.ascii	"morestack-gdb.py\n"
	.incbin	MORESTACK_GDB_SCRIPT
	.byte	0
	.section .note.GNU-stack,"",@progbits
