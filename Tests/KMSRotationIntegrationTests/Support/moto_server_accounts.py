"""Start moto_server for multi-account tests: KMS ListKeys paging, AssumeRole that needs the role,
and ListAccounts that fails outside an organization.

moto (5.2.x) lets AssumeRole succeed for any role ARN, whether or not the role exists ("the role does
not need to exist", moto/sts/models.py), and never evaluates trust policies. AWS refuses AssumeRole
with AccessDenied (HTTP 403) when the role does not exist in the target account. This launcher adds
exactly that rule, so a multi-account scan meets a member account it cannot enter: an account created
with `organizations create-account --role-name Other` has no OrganizationAccountAccessRole, and neither
has the management account (as in AWS). Trust policies and external IDs are still not evaluated.

moto also answers ListAccounts with an empty list when the caller's account has no organization; AWS
answers AWSOrganizationsNotInUseException (an error of ListAccounts in the Organizations API model, and
what moto itself raises for DescribeOrganization). This launcher raises it there too.

Everything else is moto's own behaviour, plus the ListKeys paging of moto_server_paginated.py. moto
ties the credentials AssumeRole returns to the role's account, so KMS calls signed with them see that
account's keys only.

Usage: python3 moto_server_accounts.py -H 127.0.0.1 -p PORT
"""
import os
import re
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import moto_server_paginated  # noqa: E402,F401  (installs the ListKeys paging)

from moto.core.exceptions import ServiceException  # noqa: E402
from moto.iam.models import iam_backends  # noqa: E402
from moto.organizations.exceptions import AWSOrganizationsNotInUseException  # noqa: E402
from moto.organizations.models import OrganizationsBackend, organizations_backends  # noqa: E402
from moto.server import main  # noqa: E402
from moto.sts.models import STSBackend  # noqa: E402
from moto.utilities.utils import get_partition  # noqa: E402


class AccessDenied(ServiceException):
    code = "AccessDenied"


_original_assume_role = STSBackend.assume_role


def _assume_existing_role(self, region_name, role_session_name, role_arn, policy, duration, external_id):
    match = re.search(r":iam::([0-9]{12}):role/", role_arn or "")
    account = match.group(1) if match else self.account_id
    try:
        iam_backends[account][get_partition(region_name)].get_role_by_arn(role_arn)
    except Exception:
        raise AccessDenied(
            f"User: arn:aws:iam::{self.account_id}:user/moto is not authorized to perform: "
            f"sts:AssumeRole on resource: {role_arn}"
        )
    return _original_assume_role(self, region_name, role_session_name, role_arn, policy, duration, external_id)


STSBackend.assume_role = _assume_existing_role

_original_list_accounts = OrganizationsBackend.list_accounts


def _list_accounts_in_organization(self, *args, **kwargs):
    if self.org is None and self.account_id not in organizations_backends.master_accounts:
        raise AWSOrganizationsNotInUseException()
    return _original_list_accounts(self, *args, **kwargs)


OrganizationsBackend.list_accounts = _list_accounts_in_organization

if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    main(sys.argv[1:])
