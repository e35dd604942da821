from celery import chain

from proj.tasks import fetch, parse, store


def crawl(url):
    return chain(fetch.s(url), parse.s(), store.s("pages")).delay()


def crawl_and_store(url):
    return chain(fetch.s(url), store.s("pages", "v2")).delay()  # no room for fetch's result: CEL603's


def crawl_raw(url):
    return (fetch.s(url) | parse.s(url)).delay()  # no room for fetch's result: CEL603's


def crawl_incomplete(url):
    return chain(fetch.s(url), store.s()).delay()  # expect: CEL902


def crawl_fixed(url):
    return chain(fetch.s(url), store.si({"url": url}, "pages")).delay()


def crawl_linked(url):
    return fetch.apply_async((url,), link=parse.s())
