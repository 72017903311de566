#ifndef INDOUBT_CLIBPQ_SHIM_H
#define INDOUBT_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
