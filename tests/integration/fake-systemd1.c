/* SPDX-License-Identifier: MIT */
/*
 * The part of systemd's D-Bus API that vpdnd asks at SIGTERM (is the
 * unit's job a restart? core/sd-notify.c), for restart-l2tp: PID 1 is not
 * systemd on the test machines.
 *
 *   fake-systemd1 BUS_ADDRESS JOBTYPE_FILE
 *
 * Owns org.freedesktop.systemd1 on the bus and answers
 * Manager.GetUnitByPID(u) with the unit vpdnd.service, whose Unit.Job is
 * (1, /org/freedesktop/systemd1/job/1) when JOBTYPE_FILE holds a word
 * (that job's Job.JobType, e.g. "restart" or "stop"), else (0, "/").
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <systemd/sd-bus.h>

#define UNIT "/org/freedesktop/systemd1/unit/vpdnd_2eservice"
#define JOB "/org/freedesktop/systemd1/job/1"

static const char *jobtype_file;

static void job_type(char *buf, size_t size)
{
	FILE *f = fopen(jobtype_file, "r");

	buf[0] = 0;
	if (f) {
		if (!fgets(buf, (int)size, f))
			buf[0] = 0;
		fclose(f);
	}
	buf[strcspn(buf, " \n")] = 0;
}

static int get_unit_by_pid(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	uint32_t pid;
	int r = sd_bus_message_read(m, "u", &pid);

	if (r < 0)
		return r;
	return sd_bus_reply_method_return(m, "o", UNIT);
}

static int property_job(sd_bus *bus, const char *path, const char *interface,
			const char *property, sd_bus_message *reply, void *userdata,
			sd_bus_error *error)
{
	char t[64];

	job_type(t, sizeof(t));
	return t[0] ? sd_bus_message_append(reply, "(uo)", 1, JOB)
		    : sd_bus_message_append(reply, "(uo)", 0, "/");
}

static int property_job_type(sd_bus *bus, const char *path, const char *interface,
			     const char *property, sd_bus_message *reply, void *userdata,
			     sd_bus_error *error)
{
	char t[64];

	job_type(t, sizeof(t));
	return sd_bus_message_append(reply, "s", t);
}

static const sd_bus_vtable manager[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD("GetUnitByPID", "u", "o", get_unit_by_pid, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_VTABLE_END
};

static const sd_bus_vtable unit[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("Job", "(uo)", property_job, 0, 0),
	SD_BUS_VTABLE_END
};

static const sd_bus_vtable job[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("JobType", "s", property_job_type, 0, 0),
	SD_BUS_VTABLE_END
};

int main(int argc, char **argv)
{
	sd_bus *bus = NULL;
	int r;

	if (argc != 3) {
		fprintf(stderr, "usage: fake-systemd1 BUS_ADDRESS JOBTYPE_FILE\n");
		return 2;
	}
	jobtype_file = argv[2];
	r = sd_bus_new(&bus);
	if (r >= 0)
		r = sd_bus_set_address(bus, argv[1]);
	if (r >= 0)
		r = sd_bus_set_bus_client(bus, 1);
	if (r >= 0)
		r = sd_bus_start(bus);
	if (r >= 0)
		r = sd_bus_add_object_vtable(bus, NULL, "/org/freedesktop/systemd1",
					     "org.freedesktop.systemd1.Manager", manager, NULL);
	if (r >= 0)
		r = sd_bus_add_object_vtable(bus, NULL, UNIT, "org.freedesktop.systemd1.Unit", unit,
					     NULL);
	if (r >= 0)
		r = sd_bus_add_object_vtable(bus, NULL, JOB, "org.freedesktop.systemd1.Job", job, NULL);
	if (r >= 0)
		r = sd_bus_request_name(bus, "org.freedesktop.systemd1", 0);
	if (r < 0) {
		fprintf(stderr, "fake-systemd1: %s\n", strerror(-r));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		r = sd_bus_process(bus, NULL);
		if (r < 0)
			break;
		if (r == 0 && sd_bus_wait(bus, UINT64_MAX) < 0)
			break;
	}
	sd_bus_unref(bus);
	return 0;
}
