/* /healthz and /metrics (Prometheus text format). */
#include <stdio.h>

#include "http/api.h"
#include "http/server_internal.h"
#include "mail/spool.h"

void api_healthz(struct http_req *req, struct http_resp *resp)
{
	int64_t n = 0;
	struct mado_err err;
	if (store_count(req->store, "tickets", &n, &err) != MADO_OK) {
		http_error(resp, 503, "unhealthy", err.msg);
		return;
	}
	http_json(resp, 200, json_pack("{s:s}", "status", "ok"));
}

void api_metrics(struct http_req *req, struct http_resp *resp)
{
	struct metrics *m = &req->srv->metrics;
	struct buf *b = &resp->body;
	resp->content_type = "text/plain; version=0.0.4";
	buf_append_str(b, "# HELP mado_http_requests_total HTTP requests by status class.\n"
	                  "# TYPE mado_http_requests_total counter\n");
	static const char *const cls[] = { "other", "1xx", "2xx", "3xx", "4xx", "5xx" };
	for (int i = 0; i < 6; i++)
		buf_printf(b, "mado_http_requests_total{status=\"%s\"} %llu\n", cls[i],
		           (unsigned long long)atomic_load(&m->requests[i]));
	buf_append_str(b, "# HELP mado_http_request_duration_seconds Request latency.\n"
	                  "# TYPE mado_http_request_duration_seconds histogram\n");
	unsigned long long cum = 0;
	for (int i = 0; i <= METRIC_BUCKETS; i++) {
		cum += atomic_load(&m->buckets[i]);
		if (i < METRIC_BUCKETS)
			buf_printf(b, "mado_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", metric_bounds[i], cum);
		else
			buf_printf(b, "mado_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", cum);
	}
	buf_printf(b, "mado_http_request_duration_seconds_sum %.6f\nmado_http_request_duration_seconds_count %llu\n",
	           atomic_load(&m->latency_us_sum) / 1e6, cum);
	buf_printf(b, "# HELP mado_ingested_total Messages moved from the spool into the database.\n"
	              "# TYPE mado_ingested_total counter\nmado_ingested_total %llu\n",
	           (unsigned long long)atomic_load(&m->ingested));
	char **names = NULL;
	size_t n = 0;
	spool_list(req->srv->ws->spool_dir, 0, &names, &n, NULL);
	spool_names_free(names, n);
	buf_printf(b, "# HELP mado_spool_depth Messages waiting in the intake spool.\n"
	              "# TYPE mado_spool_depth gauge\nmado_spool_depth %zu\n", n);
}
