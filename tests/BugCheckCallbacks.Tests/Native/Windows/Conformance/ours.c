/* The facts of wdm_facts.h, checked against include/bugcheck_callbacks.h. */
#include "bugcheck_callbacks.h"

#include <stddef.h>

#include "wdm_facts.h"
