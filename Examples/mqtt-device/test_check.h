/*
 * test_check.h -- the check counter of the C tests here (mqtt_test.c, attach_test.c): CHECK
 * counts a condition and prints each one that fails with its place; check_report prints the
 * totals and gives the exit status (0 only when nothing failed). Included once, by the test's
 * own file.
 */
#ifndef TEST_CHECK_H
#define TEST_CHECK_H

#include <stdio.h>

static int failures, checks;

#define CHECK(cond)                                                                          \
    do {                                                                                     \
        checks++;                                                                            \
        if (!(cond)) {                                                                       \
            failures++;                                                                      \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                           \
        }                                                                                    \
    } while (0)

static int check_report(const char *test)
{
    printf("%s: %d check(s), %d failed\n", test, checks, failures);
    return failures != 0;
}

#endif /* TEST_CHECK_H */
