/* Run folders are never reused, status words round-trip, and `latest`
 * moves by replacing the link, pointing at a sibling by a relative name. */
#include <string.h>
#include <unistd.h>

#include "report/common/results_dir.h"
#include "report/tests/fixture_util.h"
#include "tests/check.h"

int main(void)
{
	char root[4096], a[4200], b[4200], err[512], status[32], link[4300];
	char target[4200];
	ssize_t n;
	time_t t = 1764097200; /* 2025-11-25T19:00:00Z: a fixed second */

	scratch_dir("results", root, sizeof(root));
	CHECK(results_create_run(root, "abc1234", t, a, sizeof(a), err,
				 sizeof(err)) == 0);
	CHECK(strstr(a, "/20251125T190000Z-abc1234") != NULL);
	/* Same second, same sha: a second folder, not the first reused. */
	CHECK(results_create_run(root, "abc1234", t, b, sizeof(b), err,
				 sizeof(err)) == 0);
	CHECK(strcmp(a, b) != 0);
	CHECK(strstr(b, "/20251125T190000Z-abc1234-2") != NULL);

	CHECK(results_get_status(a, status, sizeof(status)) == 0);
	CHECK(strcmp(status, "running") == 0);
	CHECK(results_set_status(a, "complete", err, sizeof(err)) == 0);
	CHECK(results_get_status(a, status, sizeof(status)) == 0);
	CHECK(strcmp(status, "complete") == 0);
	CHECK(results_get_status(root, status, sizeof(status)) == -1);
	CHECK(status[0] == '\0');

	snprintf(link, sizeof(link), "%s/latest", root);
	CHECK(results_point_latest(root, a, err, sizeof(err)) == 0);
	n = readlink(link, target, sizeof(target) - 1);
	CHECK(n > 0);
	target[n > 0 ? n : 0] = '\0';
	CHECK(strcmp(target, "20251125T190000Z-abc1234") == 0);
	CHECK(results_point_latest(root, b, err, sizeof(err)) == 0);
	n = readlink(link, target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = '\0';
	CHECK(strcmp(target, "20251125T190000Z-abc1234-2") == 0);
	/* Through the link, the folder's status is readable. */
	CHECK(results_get_status(link, status, sizeof(status)) == 0);
	CHECK(strcmp(status, "running") == 0);

	/* mkdir -p of nested folders, idempotent. */
	snprintf(b, sizeof(b), "%s/x/y/z", root);
	CHECK(results_mkdirs(b, err, sizeof(err)) == 0);
	CHECK(results_mkdirs(b, err, sizeof(err)) == 0);
	CHECK(access(b, F_OK) == 0);
	return check_summary("results_dir");
}
