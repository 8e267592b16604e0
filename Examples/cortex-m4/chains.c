/*
 * chains.c -- compiles the generated case table (gen-chains.py -> build/firmware/gen/chains.h)
 * into one object, so that the size report can tell test data from firmware code.
 */
#include "cases.h"

#include "chains.h"

const fw_case *const fw_cases = fw_case_table;
const size_t fw_case_count = sizeof fw_case_table / sizeof fw_case_table[0];

const char *fw_status_name(int status)
{
    return fw_status_name_of(status);
}
