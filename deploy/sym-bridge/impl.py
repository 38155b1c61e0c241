# Sym flow implementation for tempdb (lambda.tf: sym_flow.tempdb). docs/sym.md#telling-the-requester
#
# After the bridge has granted access, DM the requester where the credentials are. The bridge's
# answer holds references only (secret_name, secret_arn or kubernetes_secret, username,
# expires_at, grant), never the password.
#
# The calls follow Sym's own aws_lambda example (symopsio/examples, basic/aws_lambda_strategy/
# impl.py): get_step_output() in an after_escalate hook, slack.send_message to
# event.get_actor("request"). Not run here: there is no Sym account in this project's tests.
# Sym runs this file in RestrictedPython with a limited set of imports; check
# https://docs.symops.com for the SDK's current reference.
from sym.sdk.annotations import hook, reducer
from sym.sdk.integrations import slack
from sym.sdk.notifications import Notification
from sym.sdk.request_permission import PermissionLevel, RequestPermission
from sym.sdk.templates import get_step_output


@reducer
def get_permissions(event):
    """Who may see and approve requests. Adjust to your organisation."""
    return RequestPermission(
        webapp_view=PermissionLevel.ADMIN,
        approve_deny=PermissionLevel.MEMBER,
        allow_self_approval=False,
    )


@reducer
def get_request_notifications(event):
    """Where requests are posted for approval."""
    return [Notification(destinations=[slack.channel("#db-access-requests")])]


@hook
def after_escalate(event):
    # The escalate answer of the bridge (the Lambda's {"body": ..., "errors": ...}).
    output = get_step_output()
    body = (output or {}).get("body") or {}
    secret = body.get("secret_name")
    if not secret:
        return  # check: whether Sym runs this hook after an errored escalate at all
    expires = body.get("expires_at", "the end of the requested duration")
    if body.get("secret_arn"):
        where = (
            "AWS Secrets Manager secret `" + secret + "`. Read it with your own AWS identity:\n"
            "`aws secretsmanager get-secret-value --secret-id '" + secret + "'"
            " --query SecretString --output text`"
        )
    else:
        where = "Kubernetes Secret `" + body.get("kubernetes_secret", secret) + "`"
    slack.send_message(
        event.get_actor("request"),
        "Your database access is ready until " + expires + ". Credentials: " + where + ".",
    )
