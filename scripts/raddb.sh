# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# A minimal FreeRADIUS 3 raddb for tests and the bench (never the system's):
#
#   raddb_write DIR SECRET [THREADS] [REJECT-MESSAGE] [client=NET:SECRET[:NAME]]...
#               [listen=ADDR]... [ma=optional]
#
# writes DIR/radiusd.conf: auth on 127.0.0.1:1812, acct on :1813 (detail
# file DIR/detail), one client 127.0.0.1 with SECRET that must sign its
# requests, the modules files (DIR/users: written by the caller), chap and
# pap, a thread pool of THREADS (default 2), and a Message-Authenticator in
# every answer (FreeRADIUS 3.2.1 signs only when one is in the reply; we
# require one: BlastRADIUS), REJECT-MESSAGE as the Reply-Message of every
# Access-Reject when given; each client=NET:SECRET[:NAME] another client (a
# network, e.g. 18.18.18.0/24, that must sign too), each listen=ADDR auth
# and acct on ADDR as well; ma=optional lets clients send requests without
# a Message-Authenticator (l2tpns signs none). Run it as `freeradius -d DIR -X` (debug, one
# thread) or `freeradius -d DIR -f -l stdout` (threads).
raddb_write() {
	local dir=$1 secret=$2 threads=${3:-2} reject=${4:-} a n=0 net name clients="" listens="" ma=yes
	shift $(($# < 4 ? $# : 4))
	for a in "$@"; do if [ "$a" = ma=optional ]; then ma=no; fi; done
	for a in "$@"; do
		case $a in
		client=*:*)
			n=$((n + 1))
			a=${a#client=}
			net=${a%%:*} a=${a#*:}
			# NET:SECRET[:NAME] (the name FreeRADIUS logs)
			name=extra$n
			case $a in *:*) name=${a#*:} a=${a%%:*} ;; esac
			clients+=$(printf 'client %s {\n\tipaddr = %s\n\tsecret = %s\n\trequire_message_authenticator = %s\n}\n' \
				"$name" "$net" "$a" "$ma")$'\n'
			;;
		listen=*)
			a=${a#listen=}
			listens+=$(printf '\tlisten {\n\t\ttype = auth\n\t\tipaddr = %s\n\t\tport = 1812\n\t}\n\tlisten {\n\t\ttype = acct\n\t\tipaddr = %s\n\t\tport = 1813\n\t}' \
				"$a" "$a")$'\n'
			;;
		ma=optional) ;;
		*) echo "raddb_write: unknown argument $a" >&2; return 1 ;;
		esac
	done
	mkdir -p "$dir"
	cat >"$dir/radiusd.conf" <<EOF
prefix = /usr
exec_prefix = /usr
sysconfdir = /etc
localstatedir = /var
raddbdir = $dir
confdir = \${raddbdir}
logdir = \${raddbdir}
run_dir = \${raddbdir}
libdir = /usr/lib/freeradius
pidfile = \${run_dir}/radiusd.pid
name = radiusd
max_request_time = 10
cleanup_delay = 1
max_requests = 65536
hostname_lookups = no
log {
	destination = stdout
	auth = yes
}
security {
	allow_core_dumps = no
	max_attributes = 200
	reject_delay = 0
	status_server = no
}
proxy_requests = no
client local {
	ipaddr = 127.0.0.1
	secret = $secret
	require_message_authenticator = $ma
}
${clients}thread pool {
	start_servers = $threads
	max_servers = $threads
	min_spare_servers = 1
	max_spare_servers = $threads
	max_queue_size = 65536
}
modules {
	files {
		filename = \${raddbdir}/users
	}
	pap {
	}
	chap {
	}
	detail {
		filename = \${raddbdir}/detail
		permissions = 0600
		header = "%t"
		locking = no
	}
}
server default {
	listen {
		type = auth
		ipaddr = 127.0.0.1
		port = 1812
	}
	listen {
		type = acct
		ipaddr = 127.0.0.1
		port = 1813
	}
${listens}	authorize {
		files
		chap
		pap
	}
	authenticate {
		Auth-Type PAP {
			pap
		}
		Auth-Type CHAP {
			chap
		}
	}
	preacct {
	}
	accounting {
		detail
	}
	post-auth {
		update reply {
			&Message-Authenticator := 0x00
		}
		Post-Auth-Type REJECT {
			update reply {
				&Message-Authenticator := 0x00
$( [ -n "$reject" ] && printf '\t\t\t\t&Reply-Message := "%s"\n' "$reject")
			}
		}
	}
}
EOF
	: >"$dir/users"
	chmod -R go-rwx "$dir"
}
