"""The small local data-flow of celery_lint.dataflow: what a name holds where it is read."""
from __future__ import annotations

import ast
import textwrap
import time

import pytest

from celery_lint import Settings
from celery_lint import dataflow as df
from celery_lint import results
from celery_lint.model import build


def _model(source: str):
    tree = ast.parse(textwrap.dedent(source))
    return build(tree, "views.py", Settings(), frozenset({ast.Call, ast.Name}))


def _kind_of_last(source: str, name: str = "x"):
    """The kind of the last load of ``name`` in the source."""
    model = _model(source)
    uses = [n for n in model.nodes[ast.Name] if n.id == name and isinstance(n.ctx, ast.Load)]
    return df.kind_of(model, uses[-1])


@pytest.mark.parametrize("body, kind", [
    ("x = Order.objects.get(pk=1)", df.INSTANCE),
    ("x = Order.objects.select_related('a').filter(b=1).first()", df.INSTANCE),
    ("x = Order.objects.filter(b=1)", df.QUERYSET),
    ("x = Order.objects.filter(b=1)[0]", df.INSTANCE),
    ("x = Order.objects.filter(b=1)[:5]", df.QUERYSET),
    ("x = Order.objects.get_or_create(a=1)[0]", df.INSTANCE),
    ("x, created = Order.objects.get_or_create(a=1)", df.INSTANCE),
    ("x = get_object_or_404(Order, pk=1)", df.INSTANCE),
    ("x = Order(name='a')", df.INSTANCE),
    ("x = form.save()", df.INSTANCE),
    ("x = {1, 2}", df.SET),
    ("x = set(ids)", df.SET),
    ("x = Path('/srv') / 'a'", df.PATH),
    ("x = lambda: 1", df.LAMBDA),
    ("x = (i for i in ids)", df.GENERATOR),
    ("x = request.user", df.USER),
    ("x = Order.objects.count()", None),
    ("x = Order.objects.values_list('pk', flat=True)", df.VALUES),
    ("x = Order.objects.filter(b=1).values('pk').order_by('pk')[:5]", df.VALUES),
    ("x = Order.objects.values_list('pk', flat=True)[0]", None),
    ("x = Order.objects.values('pk').first()", None),
    ("x = Order.objects.filter(b=1).aggregate(n=1)", None),
    ("x = Order.objects.filter(b=1).exists()", None),
    ("for x in Order.objects.values_list('pk', flat=True): pass", None),
    ("for x in Order.objects.values('pk').iterator(): pass", None),
    ("for x in Order.objects.filter(b=1).iterator(): pass", df.INSTANCE),
    ("x = Order.objects.get(pk=1).pk", None),
    ("x = bucket.objects.filter(Prefix='a')", None),
    ("x = unknown()", None),
    ("x, created = Order.objects.get_or_create(a=1)\n        x = created", None),
])
def test_kinds_of_assignments(body, kind):
    source = f"""
    from pathlib import Path
    from django.shortcuts import get_object_or_404
    from .models import Order

    def view(request, ids, form, bucket):
        {body}
        use(x)
    """
    assert _kind_of_last(source) == kind


def test_rebinding_kills_the_earlier_binding():
    source = """
    from .models import Order
    def view(request, pk):
        x = Order.objects.get(pk=pk)
        x = x.pk
        use(x)
    """
    assert _kind_of_last(source) is None
    source = """
    from .models import Order
    def view(request, pk):
        x = None
        x = Order.objects.get(pk=pk)
        use(x)
    """
    assert _kind_of_last(source) == df.INSTANCE


def test_a_branch_keeps_both_bindings():
    source = """
    from .models import Order
    def view(request, pk):
        x = Order.objects.get(pk=pk)
        if pk > 3:
            x = pk
        use(x)
    """
    assert _kind_of_last(source) is None
    source = """
    from .models import Order
    def view(request, pk):
        x = pk
        if pk > 3:
            x = Order.objects.get(pk=pk)
            use(x)
    """
    assert _kind_of_last(source) == df.INSTANCE


def test_loop_targets_and_enumerate():
    source = """
    from .models import Order
    def view(request):
        for i, x in enumerate(Order.objects.all()):
            use(x)
    """
    assert _kind_of_last(source) == df.INSTANCE
    source = """
    from .models import Order
    def view(request):
        x = None
        for x in Order.objects.all():
            pass
        use(x)
    """
    assert _kind_of_last(source) is None


def test_with_target_and_parameters():
    assert _kind_of_last("""
    def export():
        with open("a.csv") as x:
            use(x)
    """) == df.FILE
    assert _kind_of_last("""
    def view(request):
        use(request)
    """, "request") == df.REQUEST
    assert _kind_of_last("""
    from celery import shared_task
    @shared_task
    def task(request):
        use(request)
    """, "request") is None
    assert _kind_of_last("""
    class View:
        def post(self, request):
            use(request)
    """, "request") == df.REQUEST
    assert _kind_of_last("""
    class Model:
        def save(self):
            use(self)
    """, "self") == df.SELF
    assert _kind_of_last("""
    class Model:
        @staticmethod
        def build(self):
            use(self)
    """, "self") is None


def test_signal_instance():
    source = """
    from django.db.models.signals import post_save
    from django.dispatch import receiver

    @receiver(post_save, sender=Order)
    def saved(sender, instance, **kwargs):
        use(instance)

    def connected(sender, instance, **kwargs):
        use(instance)

    def plain(sender, instance, **kwargs):
        use(instance)

    post_save.connect(connected)
    """
    model = _model(source)
    uses = [n for n in model.nodes[ast.Name] if n.id == "instance" and isinstance(n.ctx, ast.Load)]
    assert [df.kind_of(model, u) for u in uses] == [df.INSTANCE, df.INSTANCE, None]


def test_model_classes():
    model = _model("""
    from django.db import models
    from django.contrib.auth import get_user_model
    from shop.models import Order, StatusChoices
    User = get_user_model()

    class Base(models.Model):
        pass

    class Article(Base):
        pass

    class Plain:
        pass
    """)
    classes = {c.name: c for c in model.nodes[ast.ClassDef]}
    assert df.is_model_class_def(model, classes["Article"])
    assert df.is_model_class_def(model, classes["Base"])
    assert not df.is_model_class_def(model, classes["Plain"])
    assert df.is_model_class(model, ast.Constant("Order"))  # a string annotation
    assert df.is_model_class(model, ast.Constant("User"))
    assert not df.is_model_class(model, ast.Constant("StatusChoices"))
    assert not df.is_model_class(model, ast.Constant("Plain"))


def test_long_rebinding_chains_stay_fast():
    lines = ["from .models import Order", "def f():", "    x = Order.objects.all()"]
    lines += [f"    x = x.filter(a={i})" for i in range(400)]
    lines += ["    use(x)"]
    started = time.perf_counter()
    _kind_of_last("\n".join(lines))
    assert time.perf_counter() - started < 2


def test_task_receivers():
    model = _model("""
    from celery import shared_task, signature
    from proj.orders.tasks import send_receipt
    from proj import tasks
    from proj.mail import send_later

    @shared_task(bind=True)
    def local(self, x):
        self.retry()

    def view():
        send_receipt.delay(1)
        tasks.export.delay(1)
        local.s(1).delay()
        sig = local.si(2)
        sig.apply_async()
        signature("proj.add", args=(1,))
        send_later.delay(1)
    """)
    calls = {ast.unparse(c.func): results.task_call(model, c) for c in model.nodes[ast.Call]}
    assert calls["send_receipt.delay"].known
    assert calls["tasks.export.delay"].known
    assert calls["local.s(1).delay"].task is not None
    assert calls["sig.apply_async"].known
    assert calls["signature"].method == "signature()"
    assert calls["self.retry"].task is not None
    assert not calls["send_later.delay"].known


def test_comprehensions_are_scopes():
    """A comprehension's targets bind only inside it; other names are the function's."""
    source = """
    from .models import Order

    def view(request):
        x = Order.objects.get(pk=1)
        first = [x for x in range(3)]
        again = [x.pk for _ in range(3)]
        x = x.pk
        later = [x for _ in range(3)]
        walrus = [(y := Order.objects.get(pk=i)) for i in range(3)]
        use(y)
    """
    model = _model(source)
    uses = [n for n in model.nodes[ast.Name] if n.id in ("x", "y") and isinstance(n.ctx, ast.Load)]
    assert [df.kind_of(model, n) for n in uses] == [None, df.INSTANCE, df.INSTANCE, None, df.INSTANCE]


@pytest.mark.parametrize("imports, kind", [
    ("from django.shortcuts import redirect", df.INSTANCE),
    ("from flask import redirect", None),
])
def test_models_module_classes_need_django(imports, kind):
    """A class from a ``models`` module is a Django model only in a module that uses Django."""
    source = f"""
    {imports}
    from proj.events.models import StaticSite

    def view(event):
        x = StaticSite(event=event)
        use(x)
    """
    assert _kind_of_last(source) == kind


@pytest.mark.parametrize("bases, kind", [
    ("", df.SELF),
    ("(object)", df.SELF),
    ("(models.Model)", df.SELF),
    ("(Local)", df.SELF),
    ("(db.Model)", None),
    ("(Local, ProjectBase)", None),
])
def test_self_of_classes_the_module_sees(bases, kind):
    source = f"""
    from django.db import models
    from proj.core import db, ProjectBase

    class Local:
        pass

    class Thing{bases}:
        def method(self):
            use(self)
    """
    assert _kind_of_last(source, "self") == kind


def test_own_nodes_list_nested_definitions_without_entering_them():
    from celery_lint import dataflow

    body = ast.parse(textwrap.dedent("""\
        def inner():
            raise KeyError
        raise ValueError
        f = lambda: (yield)
        class C:
            x = 1
    """)).body
    nodes = dataflow.own_nodes(body)
    kinds = [type(n).__name__ for n in nodes]
    assert kinds.count("Raise") == 1 and "Yield" not in kinds and "ClassDef" in kinds and "FunctionDef" in kinds
    assert nodes[0] is body[0] and nodes.index(body[1]) < nodes.index(body[2])
    task = ast.parse("def t():\n    return 1\n")
    model = build(task, "m.py", Settings(), frozenset())
    assert dataflow.body_nodes(model, task.body[0]) is dataflow.body_nodes(model, task.body[0])
