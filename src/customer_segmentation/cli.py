"""Project commands: ``kedro run`` as Kedro's, but a problem the user can fix reads as a message.

Kedro lets a project's ``cli.py`` override its commands. This ``run`` takes exactly Kedro's options
and runs Kedro's own command; when it stops on an error a user can fix (a bad file, a wrong feature
table or parameter, an unreachable MLflow store: ``errors.USER_ERRORS``) it prints that error's
message and exits with status 1, instead of a traceback panel. The traceback still goes to the log
at DEBUG level (set ``CUSTOMER_SEGMENTATION_TRACEBACK=1`` to see it on the terminal too).
"""

from __future__ import annotations

import logging
import os

import click
from kedro.framework.cli.project import run as kedro_run

from customer_segmentation.errors import user_error

logger = logging.getLogger(__name__)

TRACEBACK_ENV = "CUSTOMER_SEGMENTATION_TRACEBACK"


@click.group(name="customer-segmentation")
def cli() -> None:
    """Commands of the customer-segmentation project."""


@cli.command(name="run", params=list(kedro_run.params), help=kedro_run.help, short_help=kedro_run.short_help)
@click.pass_context
def run(ctx: click.Context, **options) -> None:
    try:
        ctx.invoke(kedro_run, **options)
    except Exception as error:
        cause = user_error(error)
        if cause is None or os.environ.get(TRACEBACK_ENV):
            raise
        logger.debug("the run stopped", exc_info=error)
        raise click.ClickException(f"{cause}\n(Nothing more was run. Fix this and run again.)") from None
