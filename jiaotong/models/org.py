"""Kept for migration 0001, which names ``jiaotong.models.org.JiaotongUserManager``;
the accounts models live in jiaotong.accounts.models."""

from jiaotong.accounts.models import JiaotongUserManager

__all__ = ["JiaotongUserManager"]
