/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl block-attach, block-detach, block-list, network-attach,
 * network-detach and network-list (xl 4.17's xl_block.c and xl_nic.c).
 * The specs are read by the config's disk and vif parsers, the devices
 * attached and detached by the core's plans. */
#include "toolstack/cli/commands.h"
#include "toolstack/cli/devfmt.h"
#include "toolstack/cli/lifecycle.h"
#include "toolstack/config/global.h"
#include "toolstack/config/load.h"
#include "toolstack/hv/xen/xen.h"
#include "common/diag.h"
#include "common/err.h"
#include "common/json.h"
#include "common/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DEVICE_TIMEOUT_MS 10000 /* libxl's LIBXL_DESTROY_TIMEOUT and hotplug wait are 10 s */

/* The spec components after the domain, joined with commas: xl parses
 * `block-attach d phy:/x xvdb w` as the one spec "phy:/x,xvdb,w". */
static char *join_spec(int argc, char **argv, int first)
{
	struct xctl_buf b = { 0 };
	for (int i = first; i < argc; i++)
		if ((i > first && xctl_buf_adds(&b, ",")) || xctl_buf_adds(&b, argv[i])) {
			free(b.p);
			return NULL;
		}
	if (!b.p && xctl_buf_adds(&b, ""))
		return NULL;
	return b.p;
}

int xctl_cli_load_global(struct xctl_cli *cli, struct xctl_global_config *g)
{
	struct xctl_diags d;
	xctl_diags_init(&d);
	int rc = xctl_global_init(g);
	if (!rc)
		rc = xctl_global_load(g, cli->global_config ? cli->global_config : XCTL_GLOBAL_CONFIG_DEFAULT,
				      cli->global_config != NULL, &d);
	xctl_diags_print(&d, stderr);
	xctl_diags_free(&d);
	return rc ? xctl_cli_load_status(rc) : XCTL_EXIT_OK;
}

static int copy_unset(char **field, const char *value)
{
	if (*field || !value)
		return 0;
	*field = strdup(value);
	return *field ? 0 : XCTL_ERR_NOMEM;
}

/* The backend domain named by a spec (NULL: dom0). */
static int backend_domid(struct xctl_core *core, const char *name, uint32_t *out)
{
	*out = 0;
	if (!name)
		return XCTL_EXIT_OK;
	if (xctl_hv_lookup(core->hv, name, out)) {
		fprintf(stderr, "the backend domain '%s' does not exist: start it first or name another with backend=\n",
			name);
		return XCTL_EXIT_FAIL;
	}
	return XCTL_EXIT_OK;
}

/* What both attaches do once the spec is read: open the core, find the
 * domain and the backend domain. 0 or an exit status; the caller closes
 * *core (NULL when it could not be opened). */
static int attach_target(struct xctl_cli *cli, const char *domain, const char *backend, struct xctl_core **core,
			 uint32_t *domid, uint32_t *backend_id)
{
	int st = xctl_cli_core_domain(cli, domain, core, domid);
	return st ? st : backend_domid(*core, backend, backend_id);
}

/* -N: print the device as libxl's JSON, as xl does, and attach nothing. */
static int dry_run(struct xctl_cli *cli, const struct xctl_disk *disk, const struct xctl_vif *vif,
		   const struct xctl_global_config *g)
{
	char *json = NULL;
	if (xctl_xen_device_json(disk, vif, g, &cli->log, &json))
		return XCTL_EXIT_FAIL;
	printf("%s: %s\n", disk ? "disk" : "vif", json);
	free(json);
	return fflush(stdout) ? XCTL_EXIT_FAIL : XCTL_EXIT_OK;
}

/* ---- block-attach DOMAIN DISKSPEC... */

/* A disk's target must exist where the toolstack runs (a backend in
 * another domain sees its own files). */
static int check_target(const struct xctl_disk *k)
{
	struct stat st;
	if (k->target && k->target[0] == '/' && !k->backend_domname && stat(k->target, &st)) {
		fprintf(stderr, "block-attach: the disk's target %s does not exist: create it first or name an "
				"existing file or block device\n",
			k->target);
		return XCTL_EXIT_FAIL;
	}
	return XCTL_EXIT_OK;
}

int cmd_block_attach(struct xctl_cli *cli, int argc, char **argv)
{
	int st = xctl_cli_flag_args(cli, argc, argv, 0, NULL, 2, -1);
	if (st)
		return st;
	struct xctl_disk disk;
	struct xctl_diags d;
	struct xctl_global_config g;
	struct xctl_core *core = NULL;
	char *spec = join_spec(argc, argv, cli->optind + 1);
	xctl_diags_init(&d);
	if ((st = xctl_cli_load_global(cli, &g)))
		goto out_global;
	int rc = spec ? xctl_disk_parse(spec, "command line", 0, &disk, &d) : XCTL_ERR_NOMEM;
	xctl_diags_print(&d, stderr);
	if (rc) {
		fprintf(stderr, "block-attach: the disk spec '%s' is not valid (see xl-disk-configuration(5))\n",
			spec ? spec : "");
		st = rc == XCTL_ERR_CONFIG ? XCTL_EXIT_USAGE : XCTL_EXIT_FAIL;
		goto out_global;
	}
	if (disk.backend == XCTL_DISK_BACKEND_UNKNOWN)
		disk.backend = (enum xctl_disk_backendtype)g.disk_backendtype;
	if (copy_unset(&disk.backend_domname, g.disk_backend)) {
		st = XCTL_EXIT_FAIL;
		goto out_disk;
	}
	if ((st = check_target(&disk)))
		goto out_disk;
	uint32_t domid;
	struct xctl_hv_device dev = { .kind = XCTL_HV_DEV_VBD, .u.disk = &disk };
	if ((st = attach_target(cli, argv[cli->optind], disk.backend_domname, &core, &domid, &dev.backend_domid)))
		goto out_disk;
	if (cli->dry_run) {
		st = dry_run(cli, &disk, NULL, &g);
		goto out_disk;
	}
	if (xctl_core_device_attach(core, domid, &dev, DEVICE_TIMEOUT_MS)) {
		fprintf(stderr, "block-attach: cannot attach disk %s to domain %s (see the message above)\n", disk.vdev,
			argv[cli->optind]);
		st = XCTL_EXIT_FAIL;
	}
out_disk:
	xctl_disk_dispose(&disk);
out_global:
	xctl_global_dispose(&g);
	xctl_diags_free(&d);
	free(spec);
	if (core)
		xctl_core_close(core);
	return st;
}

/* ---- network-attach DOMAIN [VIFSPEC...] */

int cmd_network_attach(struct xctl_cli *cli, int argc, char **argv)
{
	int st = xctl_cli_flag_args(cli, argc, argv, 0, NULL, 1, -1);
	if (st)
		return st;
	struct xctl_vif vif;
	struct xctl_diags d;
	struct xctl_global_config g;
	struct xctl_core *core = NULL;
	char *spec = join_spec(argc, argv, cli->optind + 1);
	xctl_diags_init(&d);
	xctl_vif_init(&vif);
	if ((st = xctl_cli_load_global(cli, &g)))
		goto out;
	int rc = spec ? xctl_vif_parse(spec, "command line", 0, &vif, &d) : XCTL_ERR_NOMEM;
	xctl_diags_print(&d, stderr);
	if (rc) {
		fprintf(stderr, "network-attach: the vif spec '%s' is not valid (see xl-network-configuration(5))\n",
			spec ? spec : "");
		st = rc == XCTL_ERR_CONFIG ? XCTL_EXIT_USAGE : XCTL_EXIT_FAIL;
		goto out;
	}
	/* xl's set_default_nic_values: xl.conf's vif.default.* */
	if (copy_unset(&vif.script, g.vif_script) || copy_unset(&vif.bridge, g.vif_bridge) ||
	    copy_unset(&vif.gatewaydev, g.vif_gatewaydev) || copy_unset(&vif.backend_domname, g.vif_backend)) {
		st = XCTL_EXIT_FAIL;
		goto out;
	}
	uint32_t domid;
	struct xctl_hv_device dev = { .kind = XCTL_HV_DEV_VIF, .u.vif = &vif };
	if ((st = attach_target(cli, argv[cli->optind], vif.backend_domname, &core, &domid, &dev.backend_domid)))
		goto out;
	if (cli->dry_run) {
		st = dry_run(cli, NULL, &vif, &g);
		goto out;
	}
	if (xctl_core_vif_prepare(core, domid, &vif, xctl_config_random_seed()) ||
	    xctl_core_device_attach(core, domid, &dev, DEVICE_TIMEOUT_MS)) {
		fprintf(stderr, "network-attach: cannot attach a vif to domain %s (see the message above)\n",
			argv[cli->optind]);
		st = XCTL_EXIT_FAIL;
	}
out:
	xctl_vif_dispose(&vif);
	xctl_global_dispose(&g);
	xctl_diags_free(&d);
	free(spec);
	if (core)
		xctl_core_close(core);
	return st;
}

/* ---- block-detach [-f] DOMAIN DEV, network-detach DOMAIN DEVID|MAC */

/* The device of the domain that arg names, from its list: a vdev or device
 * number (disks), a devid or a MAC (vifs). */
static int find_device(struct xctl_core *core, uint32_t domid, enum xctl_hv_devkind kind, const char *arg,
		       int *devid)
{
	struct xctl_hv_devinfo *v = NULL;
	size_t n = 0;
	uint8_t mac[XCTL_MAC_LEN];
	int want = -1;
	bool by_mac = kind == XCTL_HV_DEV_VIF && strchr(arg, ':');
	if (kind == XCTL_HV_DEV_VBD) {
		if (xctl_vdev_to_devid(arg, &want, NULL, NULL))
			return XCTL_ERR_INVAL;
	} else if (by_mac) {
		if (xctl_mac_parse(arg, mac))
			return XCTL_ERR_INVAL;
	} else {
		uint64_t id;
		if (xctl_parse_u64(arg, 10, INT32_MAX, &id))
			return XCTL_ERR_INVAL;
		want = (int)id;
	}
	int rc = core->hv->ops->device_list(core->hv, domid, kind, &v, &n);
	if (rc)
		return rc;
	rc = XCTL_ERR_NOTFOUND;
	for (size_t i = 0; i < n && rc; i++)
		if (by_mac ? !memcmp(v[i].mac, mac, XCTL_MAC_LEN) : v[i].devid == want) {
			*devid = v[i].devid;
			rc = 0;
		}
	free(v);
	return rc;
}

static int detach(struct xctl_cli *cli, char **argv, enum xctl_hv_devkind kind, bool force)
{
	const char *dom = argv[cli->optind], *arg = argv[cli->optind + 1];
	bool vbd = kind == XCTL_HV_DEV_VBD;
	struct xctl_core *core;
	uint32_t domid;
	int devid = -1;
	int st = xctl_cli_core_domain(cli, dom, &core, &domid);
	if (st)
		return st;
	int rc = find_device(core, domid, kind, arg, &devid);
	if (rc == XCTL_ERR_INVAL || rc == XCTL_ERR_NOTFOUND) {
		if (vbd)
			fprintf(stderr, "Error: Device %s not connected.\n", arg);
		else
			fprintf(stderr, "Unknown device %s.\n", arg);
		if (rc == XCTL_ERR_INVAL)
			fprintf(stderr, "'%s' is not %s\n", arg,
				vbd ? "a virtual device name (xvdb, hdc, sda, d0p1) or a device number"
				    : "a vif's devid (0, 1, ...) or MAC address (00:16:3e:xx:xx:xx)");
		else
			fprintf(stderr, "domain '%s' has no %s %s ('xctl %s %s' lists them)\n", dom,
				vbd ? "disk" : "vif", arg, vbd ? "block-list" : "network-list", dom);
		st = rc == XCTL_ERR_INVAL ? XCTL_EXIT_USAGE : XCTL_EXIT_FAIL;
		goto out;
	}
	if (!rc)
		rc = xctl_core_device_detach(core, domid, kind, devid, arg, force, DEVICE_TIMEOUT_MS);
	if (rc) {
		fprintf(stderr, "%s: cannot detach %s %s from domain %s (see the message above)\n",
			vbd ? "block-detach" : "network-detach", vbd ? "disk" : "vif", arg, dom);
		st = XCTL_EXIT_FAIL;
	}
out:
	xctl_core_close(core);
	return st;
}

int cmd_block_detach(struct xctl_cli *cli, int argc, char **argv)
{
	bool force = false;
	int st = xctl_cli_flag_args(cli, argc, argv, 'f', &force, 2, 2);
	return st ? st : detach(cli, argv, XCTL_HV_DEV_VBD, force);
}

int cmd_network_detach(struct xctl_cli *cli, int argc, char **argv)
{
	int st = xctl_cli_flag_args(cli, argc, argv, 0, NULL, 2, 2);
	return st ? st : detach(cli, argv, XCTL_HV_DEV_VIF, false);
}

/* ---- block-list DOMAIN..., network-list DOMAIN... */

static int list_devices(struct xctl_cli *cli, int argc, char **argv, enum xctl_hv_devkind kind)
{
	bool json = false;
	struct xctl_core *core;
	int st = xctl_cli_flag_args(cli, argc, argv, OPT_JSON, &json, 1, -1);
	if (st || (st = xctl_cli_core(cli, &core)))
		return st;
	struct xctl_jw *w = json ? xctl_jw_new(true) : NULL;
	if (w)
		xctl_jw_arr_open(w);
	else if (kind == XCTL_HV_DEV_VBD)
		xctl_devfmt_block_header(stdout);
	else
		xctl_devfmt_network_header(stdout);
	/* as xl: every domain named is listed; one that does not exist is
	 * reported and the others still listed (exit status 1 then) */
	for (int i = cli->optind; i < argc; i++) {
		uint32_t domid;
		struct xctl_hv_dominfo info;
		struct xctl_hv_devinfo *v = NULL;
		size_t n = 0;
		if (xctl_cli_domain(cli, core, argv[i], &domid) || core->hv->ops->info(core->hv, domid, &info)) {
			st = XCTL_EXIT_FAIL;
			continue;
		}
		if (core->hv->ops->device_list(core->hv, domid, kind, &v, &n)) {
			fprintf(stderr, "%s: cannot list the %ss of domain %s (see the message above)\n",
				kind == XCTL_HV_DEV_VBD ? "block-list" : "network-list", xctl_core_devkind_noun(kind),
				argv[i]);
			st = XCTL_EXIT_FAIL;
			continue;
		}
		for (size_t k = 0; k < n; k++) {
			if (w)
				xctl_devfmt_json(w, info.name, domid, &v[k]);
			else if (kind == XCTL_HV_DEV_VBD)
				xctl_devfmt_block_row(stdout, &v[k]);
			else
				xctl_devfmt_network_row(stdout, &v[k]);
		}
		free(v);
	}
	if (w) {
		const char *text;
		size_t len;
		xctl_jw_arr_close(w);
		if (xctl_jw_finish(w, &text, &len))
			st = XCTL_EXIT_FAIL;
		else
			printf("%.*s\n", (int)len, text);
		xctl_jw_free(w);
	}
	xctl_core_close(core);
	return st;
}

int cmd_block_list(struct xctl_cli *cli, int argc, char **argv)
{
	return list_devices(cli, argc, argv, XCTL_HV_DEV_VBD);
}

int cmd_network_list(struct xctl_cli *cli, int argc, char **argv)
{
	return list_devices(cli, argc, argv, XCTL_HV_DEV_VIF);
}
