/* tasks.c — task tokens and activity tasks (tasks.h). One lock over three indexes: tasks by
   token (SendTask*), by callback (task_done), and activities' queues of tasks not yet handed
   out with the polls waiting for them. Tokens of ended tasks are remembered, so that a late
   SendTask* is told TaskTimedOut as AWS tells it, not InvalidToken. Answers to suspended polls
   are sent after the lock is released: srv_later_answer wakes the HTTP side. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonread.h"
#include "table.h"
#include "tasks.h"
#include "xalloc.h"

typedef struct task {
    char *token;
    aslrt_callback *cb;
    char *activity;    /* the activity's ARN; NULL for a .waitForTaskToken task */
    char *input;       /* an activity task's input text */
    int queued;        /* waiting in its activity's queue for a worker */
    struct task *next; /* in the queue */
} task;

typedef struct waiter {
    srv_later *later;
    double deadline;
    char *worker;
    struct waiter *next;
} waiter;

/* One activity's tasks waiting for a worker and workers waiting for a task (one of the two
   lists is empty). */
typedef struct queue {
    task *head, *tail;
    waiter *polls, *polls_tail;
} queue;

struct srv_tasks {
    pthread_mutex_t lock;
    srv_table *by_token, *by_cb, *queues, *ended;
};

/* An answer to send once the lock is released. */
typedef struct reply {
    srv_later *later;
    cJSON *resp;
} reply;

srv_tasks *srv_tasks_new(void)
{
    srv_tasks *t = aslrt_xmalloc(sizeof *t);
    pthread_mutex_init(&t->lock, NULL);
    t->by_token = srv_table_new();
    t->by_cb = srv_table_new();
    t->queues = srv_table_new();
    t->ended = srv_table_new();
    return t;
}

static void free_queue(void *ctx, const char *key, void *value)
{
    (void)ctx, (void)key;
    free(value);
}

void srv_tasks_free(srv_tasks *t)
{
    if (!t)
        return;
    srv_table_each(t->queues, free_queue, NULL);
    srv_table_free(t->by_token);
    srv_table_free(t->by_cb);
    srv_table_free(t->queues);
    srv_table_free(t->ended);
    pthread_mutex_destroy(&t->lock);
    free(t);
}

static void cb_key(const aslrt_callback *cb, char *key, size_t size)
{
    snprintf(key, size, "%p", (const void *)cb);
}

static queue *queue_of(srv_tasks *t, const char *activity)
{
    queue *q = srv_table_get(t->queues, activity);
    if (!q) {
        q = aslrt_xmalloc(sizeof *q);
        memset(q, 0, sizeof *q);
        srv_table_put(t->queues, activity, q);
    }
    return q;
}

/* Files a new task under its token and callback (lock held). */
static task *add(srv_tasks *t, aslrt_callback *cb, const aslrt_task_request *req, const char *activity)
{
    task *k = aslrt_xmalloc(sizeof *k);
    memset(k, 0, sizeof *k);
    k->token = aslrt_xstrdup(req->token);
    k->cb = cb;
    k->activity = activity ? aslrt_xstrdup(activity) : NULL;
    k->input = activity ? aslrt_xstrdup(req->input_text ? req->input_text : "{}") : NULL;
    char key[32];
    cb_key(cb, key, sizeof key);
    srv_table_put(t->by_token, k->token, k);
    srv_table_put(t->by_cb, key, k);
    return k;
}

/* {taskToken, input} for a worker that took k. */
static cJSON *task_answer(const task *k)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "taskToken", k->token);
    cJSON_AddStringToObject(o, "input", k->input);
    return o;
}

void srv_tasks_wait(srv_tasks *t, aslrt_callback *cb, const aslrt_task_request *req)
{
    pthread_mutex_lock(&t->lock);
    add(t, cb, req, NULL);
    pthread_mutex_unlock(&t->lock);
}

void srv_tasks_activity(srv_tasks *t, aslrt_callback *cb, const aslrt_task_request *req)
{
    reply out = {0};
    pthread_mutex_lock(&t->lock);
    task *k = add(t, cb, req, req->resource);
    queue *q = queue_of(t, req->resource);
    waiter *p = q->polls;
    if (p && aslrt_callback_start(cb, p->worker) == 0) { /* a worker is waiting: it takes it */
        q->polls = p->next;
        if (!q->polls)
            q->polls_tail = NULL;
        out.later = p->later;
        out.resp = task_answer(k);
        free(p->worker);
        free(p);
    } else {
        k->queued = 1;
        if (q->tail)
            q->tail->next = k;
        else
            q->head = k;
        q->tail = k;
    }
    pthread_mutex_unlock(&t->lock);
    if (out.later)
        srv_later_answer(out.later, out.resp, NULL);
}

/* Takes k out of its activity's queue (lock held). */
static void unqueue(srv_tasks *t, task *k)
{
    queue *q = srv_table_get(t->queues, k->activity);
    task *prev = NULL;
    for (task *i = q ? q->head : NULL; i; prev = i, i = i->next)
        if (i == k) {
            if (prev)
                prev->next = k->next;
            else
                q->head = k->next;
            if (q->tail == k)
                q->tail = prev;
            break;
        }
    k->queued = 0;
    k->next = NULL;
}

void srv_tasks_done(srv_tasks *t, aslrt_callback *cb)
{
    char key[32];
    cb_key(cb, key, sizeof key);
    pthread_mutex_lock(&t->lock);
    task *k = srv_table_del(t->by_cb, key);
    if (k) {
        srv_table_del(t->by_token, k->token);
        srv_table_put(t->ended, k->token, t); /* any non-NULL value: the token is known */
        if (k->queued)
            unqueue(t, k);
    }
    pthread_mutex_unlock(&t->lock);
    if (k) {
        free(k->token);
        free(k->activity);
        free(k->input);
        free(k);
    }
}

/* The callback of token's task with the lock held, or NULL with e filled (lock released). */
static aslrt_callback *lookup(srv_tasks *t, const char *token, srv_err *e)
{
    pthread_mutex_lock(&t->lock);
    task *k = srv_table_get(t->by_token, token);
    if (k)
        return k->cb;
    int ended = srv_table_get(t->ended, token) != NULL;
    pthread_mutex_unlock(&t->lock);
    if (ended)
        srv_fail(e, "TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'");
    else
        srv_fail(e, "InvalidToken", "Invalid token");
    return NULL;
}

/* The callback said the task had already ended (between its answer and task_done). */
static int task_ended(srv_tasks *t, srv_err *e)
{
    pthread_mutex_unlock(&t->lock);
    return srv_fail(e, "TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'");
}

int srv_tasks_succeed(srv_tasks *t, const char *token, const char *output, srv_err *e)
{
    /* checked before the task is touched: output that is not JSON changes nothing */
    cJSON *v = aslrt_json_parse_plain(output);
    if (!v)
        v = cJSON_Parse(output);
    if (!v)
        return srv_fail(e, "InvalidOutput", "Invalid Output: 'The output is not valid JSON'");
    cJSON_Delete(v);
    aslrt_callback *cb = lookup(t, token, e);
    if (!cb)
        return -1;
    const char *why = NULL;
    if (aslrt_callback_succeed(cb, output, strlen(output), &why) != 0)
        return why ? (pthread_mutex_unlock(&t->lock), srv_fail(e, "InvalidOutput", "Invalid Output: '%s'", why))
                   : task_ended(t, e);
    pthread_mutex_unlock(&t->lock);
    return 0;
}

int srv_tasks_fail(srv_tasks *t, const char *token, const char *error, const char *cause, srv_err *e)
{
    aslrt_callback *cb = lookup(t, token, e);
    if (!cb)
        return -1;
    if (aslrt_callback_fail(cb, error, cause) != 0)
        return task_ended(t, e);
    pthread_mutex_unlock(&t->lock);
    return 0;
}

int srv_tasks_heartbeat(srv_tasks *t, const char *token, srv_err *e)
{
    aslrt_callback *cb = lookup(t, token, e);
    if (!cb)
        return -1;
    if (aslrt_callback_heartbeat(cb) != 0)
        return task_ended(t, e);
    pthread_mutex_unlock(&t->lock);
    return 0;
}

int srv_tasks_poll(srv_tasks *t, const char *activity_arn, const char *worker, srv_later *later, double seconds,
                   cJSON **resp)
{
    pthread_mutex_lock(&t->lock);
    queue *q = queue_of(t, activity_arn);
    while (q->head) {
        task *k = q->head;
        q->head = k->next;
        if (!q->head)
            q->tail = NULL;
        k->queued = 0;
        k->next = NULL;
        if (aslrt_callback_start(k->cb, worker) == 0) {
            *resp = task_answer(k);
            pthread_mutex_unlock(&t->lock);
            return 1;
        }
    }
    if (!later) {
        pthread_mutex_unlock(&t->lock);
        *resp = cJSON_CreateObject();
        return 1;
    }
    waiter *p = aslrt_xmalloc(sizeof *p);
    p->later = later;
    p->deadline = srv_now() + seconds;
    p->worker = worker ? aslrt_xstrdup(worker) : NULL;
    p->next = NULL;
    if (q->polls_tail)
        q->polls_tail->next = p;
    else
        q->polls = p;
    q->polls_tail = p;
    pthread_mutex_unlock(&t->lock);
    return 0;
}

/* Collecting the polls to answer: those due by `now` (all of them when now < 0). */
typedef struct expiry {
    double now;
    waiter *due;
} expiry;

static void expire_queue(void *ctx, const char *key, void *value)
{
    expiry *x = ctx;
    queue *q = value;
    (void)key;
    waiter **pp = &q->polls;
    q->polls_tail = NULL;
    while (*pp) {
        waiter *p = *pp;
        if (x->now < 0 || p->deadline <= x->now) {
            *pp = p->next;
            p->next = x->due;
            x->due = p;
        } else {
            q->polls_tail = p;
            pp = &p->next;
        }
    }
}

static void answer_expired(srv_tasks *t, double now)
{
    expiry x = {now, NULL};
    pthread_mutex_lock(&t->lock);
    srv_table_each(t->queues, expire_queue, &x);
    pthread_mutex_unlock(&t->lock);
    for (waiter *p = x.due, *next; p; p = next) {
        next = p->next;
        srv_later_answer(p->later, cJSON_CreateObject(), NULL);
        free(p->worker);
        free(p);
    }
}

void srv_tasks_expire(srv_tasks *t, double now)
{
    answer_expired(t, now);
}

void srv_tasks_quiesce(srv_tasks *t)
{
    answer_expired(t, -1);
}
