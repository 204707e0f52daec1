/* visibility.h - forced into every hyp translation unit: all symbols are local to the image, so
 * -fpie code reaches them PC-relative, with no GOT. */
#pragma GCC visibility push(hidden)
