/* The facts of wdm_facts.h, checked against mingw-w64's <ddk/wdm.h>. */
#include <ddk/wdm.h>
#include <ntstatus.h>

#include <stddef.h>

#include "wdm_facts.h"
