"""Trap claims of the kinds a careful checker meets, against a small corpus written for the test
(tests/fixtures/traps): a wrong year for a one-time event, a wrong field, a wrong count bound to
the right thing, a number that belongs to another name, a work credited to someone else, a name
that only contains the claimed word ("Turing Award"), in English and Chinese."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import veracity
from conftest import settings_for
from veracity.run.tools import Shared
from veracity.types import Label, Report, Stance

CORPUS = Path(__file__).parent / "fixtures" / "traps"
GOOD = (Label.TRUE, Label.MOSTLY_TRUE)

CASES: list[tuple[str, tuple[Label, ...]]] = [
    ("Alan Turing was born in 1912.", GOOD),
    ("Alan Turing was born in 1914.", (Label.FALSE,)),
    ("Alan Turing studied physics at King's College, Cambridge.", (Label.FALSE,)),
    ("Alan Turing obtained his PhD from Princeton University in 1938.", GOOD),
    ("Alan Turing obtained his PhD from Princeton University in 1940.", (Label.FALSE,)),
    ("Alan Turing invented the Enigma machine.", (Label.MISATTRIBUTED,)),
    ("Alan Turing designed the ENIAC computer.", (Label.MISATTRIBUTED,)),
    ("Alan Turing died in 1954.", GOOD),
    ("Alan Turing won the Turing Award.", (Label.PARTLY_TRUE, Label.UNVERIFIABLE)),
    ("The ENIAC had about 18,000 vacuum tubes.", GOOD),
    ("The ENIAC had about 5,000 vacuum tubes.", (Label.FALSE,)),
    # two events in one sentence: each clause is its own frame
    ("Marie Curie won the Nobel Prize in Chemistry in 1911.", GOOD),
    ("Marie Curie won the Nobel Prize in Chemistry in 1903.", (Label.FALSE,)),
    ("Marie Curie won the Nobel Prize in Physics in 1911.", (Label.FALSE,)),
    ("Dana Reyes received her PhD from the University of Leeds in 1998.", GOOD),
    ("Dana Reyes joined the Orbit Lab in 2014.", GOOD),
    ("Dana Reyes joined the Orbit Lab in 2016.", (Label.FALSE,)),
    # a relative clause hangs on the name before it; the rival's count is not Kestrel's
    ("The Kestrel robot has 28 joints.", GOOD),
    ("The Kestrel robot has 140 joints.", (Label.FALSE, Label.UNVERIFIABLE)),
    # an award of that year given to somebody else; a page that instructs the checker is
    # no evidence at all
    ("Dana Reyes won the Turing Award in 1968.", (Label.MISATTRIBUTED, Label.FALSE)),
    # the other degree of one sentence: its field and its school are not the claim's
    ("Ines Varga earned a PhD in statistics from Stanford University in 2009.", GOOD),
    ("Ines Varga earned a PhD in mathematics from Stanford University in 2009.", (Label.FALSE,)),
    ("Ines Varga earned a PhD in statistics from Harvard University in 2009.", (Label.FALSE,)),
    ("王芳2001年毕业于浙江大学。", GOOD),
    ("王芳2001年毕业于清华大学。", (Label.FALSE,)),
    ("Orbit Labs was founded in May 2016.", (Label.FALSE,)),
    ("Elena Costa founded Orbit Labs.", (Label.MISATTRIBUTED,)),
    ("Orbit Labs employed about 350 people in 2023.", GOOD),  # "By 2023 it employed …"
    ("Priya Nair is the chief executive of Orbit Labs.", GOOD),
    ("Tomas Berg is the chief executive of Orbit Labs.", (Label.MISATTRIBUTED, Label.FALSE)),
    ("王磊创立了星云科技。", (Label.MISATTRIBUTED,)),
    # "B" of B轮 is no name the amount could belong to: found and bound (one value, so the
    # wording decides between true and partly true)
    ("星云科技完成了4亿元B轮融资。", (*GOOD, Label.PARTLY_TRUE)),
    ("陈静是星云科技的首席执行官。", GOOD),
    ("刘洋是星云科技的首席执行官。", (Label.MISATTRIBUTED, Label.FALSE)),
    ("陈静获得了2019年图灵奖。", (Label.MISATTRIBUTED, Label.FALSE)),
    # a one-time opening; a count stated with "Its …" belongs to the subject, the rival's not
    ("The Halden Bridge opened in 2009.", GOOD),
    ("The Halden Bridge opened in 2011.", (Label.FALSE,)),
    ("The main span of the Halden Bridge is 1,104 metres long.", GOOD),
    ("The main span of the Halden Bridge is 850 metres long.", (Label.FALSE,)),
    # another birthplace in the clause that states the birth
    ("Marta Sousa was born in Coimbra in 1961.", GOOD),
    ("Marta Sousa was born in Lisbon in 1961.", (Label.FALSE,)),
    ("玛丽·居里出生于法国巴黎。", (Label.FALSE, Label.UNVERIFIABLE)),
    # a role one person holds, given to another by the claim
    ("Dana Reyes was the first author of the Kestrel paper.", (Label.MISATTRIBUTED,)),
    ("Mina Park was the first author of the Kestrel paper.", GOOD),
    ("Kestrel 论文的第一作者是 Dana Reyes。", (Label.MISATTRIBUTED,)),
    ("玛丽·居里于1911年获得诺贝尔物理学奖。", (Label.FALSE,)),
    ("玛丽·居里于1911年获得诺贝尔化学奖。", GOOD),
    ("玛丽·居里于1944年去世。", (Label.FALSE,)),
    ("玛丽·居里出生于波兰华沙。", GOOD),
    # a life span in the parenthesis after the name states the birth and the death
    ("格蕾丝·霍珀于1992年去世。", GOOD),
    ("格蕾丝·霍珀于1995年去世。", (Label.FALSE,)),
    ("格蕾丝·霍珀出生于1906年。", GOOD),
    ("格蕾丝·霍珀出生于1910年。", (Label.FALSE,)),
    ("Ada Lovelace died in 1852.", GOOD),
    ("Ada Lovelace was born in 1816.", (Label.FALSE,)),
    # employment in Chinese: 在「瓦萨学院」任教
    ("格蕾丝·霍珀曾在瓦萨学院任教。", GOOD),
    ("格蕾丝·霍珀曾在耶鲁大学任教。", (Label.UNVERIFIABLE,)),
    # a two-character Chinese name is a name; another year of the same prize contradicts
    ("王芳于2015年获得国家自然科学奖。", GOOD),
    ("王芳于2017年获得国家自然科学奖。", (Label.FALSE,)),
    # a claim beside a Chinese page: the school is a value to find, not only the year
    ("王芳于2015年获得国家科技进步奖。", (Label.PARTLY_TRUE, Label.UNVERIFIABLE, Label.FALSE)),
    # credited in Chinese: 由「A」、B和C提出
    ("格蕾丝·霍珀提出了信息熵的概念。", (Label.MISATTRIBUTED,)),
    ("克劳德·香农提出了信息熵的概念。", GOOD),
    # another year in another clause is another event, not a contradiction
    ("格蕾丝·霍珀于1943年加入美国海军预备队。", GOOD),
    ("格蕾丝·霍珀于1944年加入美国海军预备队。", (Label.FALSE,)),
    # a Chinese clause carries its topic over: the count belongs to Atlas, not to the lab
    ("Atlas 的参数量为 130 亿。", GOOD),
    ("Atlas 的参数量为 520 亿。", (Label.FALSE, Label.UNVERIFIABLE)),
    # the winner named before "won" is the colleague, not the subject the sentence began with
    ("Maria Lopez won the Nobel Memorial Prize in Economics in 2021.", (Label.MISATTRIBUTED,)),
    ("Peter Hahn won the Nobel Memorial Prize in Economics in 2021.", GOOD),
    ("Maria Lopez joined the IMF in 2012.", GOOD),
    ("Maria Lopez joined the IMF in 2014.", (Label.FALSE,)),
    # the claim's own year in the sentence's other clause, with the claim's words: the other
    # year is another event (the joining), not a contradiction
    ("Maria Lopez became chief economist of the IMF in 2019.", GOOD),
    ("Maria Lopez became chief economist of the IMF in 2017.", (Label.FALSE, Label.UNVERIFIABLE, Label.PARTLY_TRUE)),
    # a school named only as where the degree came from ("her PhD from MIT")
    ("Maria Lopez received her PhD from Harvard.", (Label.FALSE,)),
    ("Maria Lopez received her PhD from MIT.", GOOD),
    # the same in Chinese: 她的同事「刘强」于2021年获得…
    ("赵敏于2021年获得诺贝尔经济学奖。", (Label.MISATTRIBUTED,)),
    ("刘强于2021年获得诺贝尔经济学奖。", GOOD),
    ("赵敏在哈佛大学获得博士学位。", (Label.FALSE,)),
    # a version number is part of a name: Orion-6's count is not Orion-7's, nor the reverse
    ("Orion-7 has 70 billion parameters.", GOOD),
    ("Orion-7 has 13 billion parameters.", (Label.FALSE, Label.UNVERIFIABLE)),
    ("Orion-6 has 70 billion parameters.", (Label.FALSE, Label.UNVERIFIABLE)),
    ("Orion-7 scored 70.0% on MMLU.", (Label.FALSE,)),
    # a maker in the passive: the thing made is the subject
    ("Nimbus AI was founded by Sara Kim.", GOOD),
    ("Nimbus AI was founded by John Park.", (Label.MISATTRIBUTED,)),
    # the same in Chinese: a versioned name (星河-3) is a name, its predecessor's count is not
    # its own; a benchmark the claim names is no other owner; 创始人为X names the founder
    ("星河-3的参数量为130亿。", (Label.FALSE, Label.UNVERIFIABLE)),
    ("星河-2的参数量为700亿。", (Label.FALSE, Label.UNVERIFIABLE)),
    ("星河-3在MMLU上得分70.0%。", (Label.FALSE,)),
    ("星河-3在MMLU上得分82.1%。", GOOD),
    ("云帆科技由王强创立。", (Label.MISATTRIBUTED,)),
    # a work is introduced once: another year of its introduction contradicts
    ("The Vela Transformer was introduced in 2020.", GOOD),
    ("The Vela Transformer was introduced in 2018.", (Label.FALSE,)),
    # "截至2023年，公司…": the company the page is about goes on as "公司"
    ("星云科技完成了6亿元B轮融资。", (Label.FALSE,)),
    ("星云科技2023年员工约900人。", (Label.FALSE,)),
    ("星云科技研发人员占比80%。", (Label.FALSE,)),
    ("星云科技研发人员占比60%。", GOOD),
    # a table row's year is its own, not the next row's
    ("Vega was released in 2021.", (Label.FALSE, Label.UNVERIFIABLE)),
    ("Atlas has 52 billion parameters.", (Label.FALSE, Label.UNVERIFIABLE)),
    # the field of a post: a professor of physics is no professor of chemistry
    ("Amara Osei is a professor of chemistry at the University of Ghana.", (Label.FALSE,)),
    ("Amara Osei is a professor of physics at the University of Ghana.", GOOD),
    ("李华是北京大学化学系教授。", (Label.FALSE,)),
    # an acronym is the name the page spells out
    ("Amara Osei did postdoctoral research at MIT.", (*GOOD, Label.PARTLY_TRUE)),
    # a compound made first by the advisor named in apposition ("by her doctoral advisor, X")
    ("Amara Osei first synthesised the compound GX-4 in 2009.", (Label.MISATTRIBUTED,)),
    ("Kwame Mensah first synthesised the compound GX-4 in 2009.", GOOD),
    ("李华首次合成了化合物GX-7。", (Label.MISATTRIBUTED,)),
    # a small count of the very thing is another value; the same count of another thing states nothing
    ("Amara Osei has supervised 42 doctoral students.", (Label.FALSE,)),
    ("Amara Osei has supervised 14 doctoral students.", GOOD),
    ("李华共指导了48名博士生。", (Label.FALSE,)),
    # a measurement in a small number is no small count; the predecessor's mirror is not its own
    ("The Lumen-2 telescope has a 4-metre mirror.", (Label.FALSE,)),
    ("The Lumen-2 telescope has an 8-metre mirror.", GOOD),
    ("天眼-2望远镜的主镜口径为4米。", (Label.FALSE,)),
    # a field word alone does not half-confirm a prize the evidence never names
    ("Amara Osei won the Nobel Prize in Physics in 2020.", (Label.UNVERIFIABLE,)),
    # a firm sits in one city ("headquartered" is no "head" of leading)
    ("Nordia Energy is headquartered in Oslo.", (Label.FALSE,)),
    ("Nordia Energy is headquartered in Bergen.", GOOD),
    # a sentence about her husband by name (她的丈夫周明是…) is not about her
    ("程雪于2020年获得华罗庚数学奖。", (Label.MISATTRIBUTED,)),
    ("周明于2020年获得华罗庚数学奖。", GOOD),
    ("程雪是复旦大学数学系教授。", (Label.UNVERIFIABLE, Label.FALSE, Label.MISATTRIBUTED)),
    # one is elected to an academy once: another year contradicts
    ("程雪于2016年当选中国科学院院士。", (Label.FALSE,)),
    ("程雪于2018年当选中国科学院院士。", GOOD),
    ("Amara Osei was elected a Fellow of the African Academy of Sciences in 2017.", (Label.FALSE,)),
    ("Amara Osei was elected a Fellow of the African Academy of Sciences in 2019.", GOOD),
    # a name in quotation marks is the name ("青鸟"数据库系统)
    ("青鸟数据库系统已被超过500家企业采用。", (Label.FALSE,)),
    # another day of the same month; a numbered office; a birth date in parentheses is no
    # date of the office, and "an American economist" names no owner
    ("Marcus Hale was born on 12 March 1960.", (Label.FALSE,)),
    ("Marcus Hale was born on 21 March 1960.", GOOD),
    ("Marcus Hale was the 15th president of Westbrook University.", (Label.FALSE,)),
    ("Marcus Hale was the 14th president of Westbrook University.", GOOD),
    ("Marcus Hale served as president of Westbrook University from 2009 to 2019.", (Label.FALSE,)),
    # a possessive is the name ("Westbrook's endowment")
    ("Under Hale, Westbrook's endowment grew to $4.8 billion.", (*GOOD, Label.PARTLY_TRUE)),
    # a Chinese claim against an English page: 谷歌 is Google, 图灵奖 the Turing Award; the
    # colleague's prize ("Her colleague Omar Haddad received …") is not hers
    ("Elena Novak 于2010年加入谷歌。", GOOD),
    ("Elena Novak 于2012年加入谷歌。", (Label.FALSE,)),
    ("Elena Novak 于2022年获得图灵奖。", (Label.MISATTRIBUTED,)),
    ("Elena Novak won the Turing Award in 2022.", (Label.MISATTRIBUTED,)),
    ("Elena Novak 于2015年获得 Marr Prize。", GOOD),
    # "the youngest": the evidence must say so too; the predecessor's years (", who had led it
    # since 2005") and the one succeeded ("succeeding Tomas Ibarra") are not the subject's
    ("Sofia Reyna is the youngest director in the history of the Cerro Verde Observatory.",
     (Label.PARTLY_TRUE, Label.UNVERIFIABLE)),
    ("Sofia Reyna was appointed director of the Cerro Verde Observatory in 2021.", GOOD),
    ("Sofia Reyna has led the Cerro Verde Observatory since 2005.", (Label.PARTLY_TRUE, Label.UNVERIFIABLE, Label.FALSE, Label.MISATTRIBUTED)),
    ("Tomas Ibarra was appointed director of the Cerro Verde Observatory in 2021.", (Label.PARTLY_TRUE, Label.UNVERIFIABLE, Label.FALSE, Label.MISATTRIBUTED)),    # another nationality said of the same kind of person
    ("Sofia Reyna is an Argentine astronomer.", (Label.FALSE,)),
    ("Sofia Reyna is a Chilean astronomer.", GOOD),
    ("李华是美国科学家。", (Label.FALSE,)),
    # a bound in the claim ("more than"), a share of the subject's own things ("38% of its
    # flights"), a count in Chinese against English, an adjective ("a Brazilian carrier") no owner
    ("Kestrel Airlines carried more than 12 million passengers in 2022.", GOOD),
    ("Kestrel Airlines carried more than 15 million passengers in 2022.", (Label.FALSE, Label.PARTLY_TRUE, Label.UNVERIFIABLE)),
    ("About 58 percent of Kestrel's flights are international.", (Label.FALSE,)),
    ("About 38 percent of Kestrel's flights are international.", GOOD),
    ("Kestrel Airlines 2022年运送旅客2000万人次。", (Label.FALSE,)),
    ("Kestrel Airlines reported a net profit of $3.1 billion in 2022.", (Label.FALSE,)),
    # Chinese: another month; a numbered office; a department of another school; one present post
    ("王军1962年8月出生于湖北武汉。", (Label.FALSE,)),
    ("王军曾任武汉大学第十五任校长。", (Label.FALSE,)),
    ("王军1984年毕业于北京大学经济系。", (Label.FALSE,)),
    ("王军1984年毕业于复旦大学经济系。", GOOD),
    ("王军现任清华大学教授。", (Label.FALSE,)),
    ("王军现任武汉大学教授。", GOOD),
    ("《转型经济学》销量超过10万册。", GOOD),
    ("《转型经济学》销量超过20万册。", (Label.FALSE,)),
    # a compound Chinese claim: another year after a comma is another fact, judged on its own
    ("王军 1984年毕业于复旦大学经济系，1992年在北京大学获得经济学博士学位。", (Label.PARTLY_TRUE,)),
    # a quotation given to the wrong speaker
    ('Clara Mendes said that "the window for action is closing fast".', (Label.MISATTRIBUTED,)),
    ('Antonio Ferreira said that "the window for action is closing fast".', GOOD),
    # what one named person did, given to another in the same words
    ("Antonio Ferreira announced a fund of 500 million euros for coastal cities.", (Label.MISATTRIBUTED,)),
    ("Clara Mendes announced a fund of 500 million euros for coastal cities.", GOOD),
    # a sentence about the subject that denies the relation itself
    ("周婷获得了国家自然科学奖。", (Label.FALSE,)),
    ("Marcus Hale won the Nobel Memorial Prize in Economic Sciences.", (Label.FALSE,)),
    ("周婷于2020年发现了彗星C/2020 K3。", GOOD),
    # what a prize was for is a point of the claim
    ("Naomi Ito received the Asahi Prize in 2018 for her work on quantum computing.", (Label.PARTLY_TRUE,)),
    ("Naomi Ito received the Asahi Prize in 2018 for her work on protein folding.", GOOD),
    # two fields claimed, one stated: the stated one is the claim's own, no contradiction
    ("Naomi Ito studied chemistry and physics at Osaka University.", (Label.PARTLY_TRUE,)),
    # when a firm was founded, with no maker claimed: the founders the page names are no one
    # "else"; the other month contradicts
    ("Brightwave was founded in May 2019.", (Label.FALSE,)),
    ("Brightwave was founded in March 2019.", GOOD),
    ("Brightwave serves customers in 21 countries.", (Label.FALSE,)),
    # 成立于 against 于2015年…创立: one founding, its one date (a claims list's subject is 海鸥科技,
    # not 海鸥科技成立)
    ("海鸥科技成立于2017年。", (Label.FALSE,)),
    ("海鸥科技成立于2015年。", GOOD),
    # a one-time deed done by another agent: the organiser, the buyer, the speaker
    ("The Nordhavn Energy Summit 2023 was organised by the Nordic Climate Council.", (Label.MISATTRIBUTED,)),
    ("The Nordhavn Energy Summit 2023 was organised by the Baltic Grid Forum.", GOOD),
    ("The opening address of the Nordhavn Energy Summit 2023 was given by Lars Eide.", (Label.MISATTRIBUTED,)),
    ("Corvid Analytics was acquired by Meridian Holdings in 2021.", (Label.MISATTRIBUTED,)),
    ("Corvid Analytics was acquired by Stellan Group in 2021.", GOOD),
    ("The Lisbon Climate Summit was organised by the Atlantic Ocean Trust.", (Label.MISATTRIBUTED,)),
    ("2024东海气候峰会由北方气候理事会主办。", (Label.MISATTRIBUTED,)),
    ("2024东海气候峰会由东海能源论坛主办。", GOOD),
    ("星桥数据被华岳控股收购。", (Label.MISATTRIBUTED,)),
    ("星桥数据被远川集团收购。", GOOD),
    # the same deeds said actively, the doer first ("It was acquired by …" on the firm's page)
    ("Meridian Holdings acquired Corvid Analytics in 2021.", (Label.MISATTRIBUTED,)),
    ("Stellan Group acquired Corvid Analytics in 2021.", GOOD),
    ("The Nordic Climate Council organised the Nordhavn Energy Summit 2023.", (Label.MISATTRIBUTED,)),
    ("华岳控股收购了星桥数据。", (Label.MISATTRIBUTED,)),
    ("北方气候理事会主办了2024东海气候峰会。", (Label.MISATTRIBUTED,)),
    # where an event was held; the year in the event's name is what it is, not a value found
    ("The Nordhavn Energy Summit 2023 was held in Riga.", (Label.FALSE,)),
    ("The Nordhavn Energy Summit 2023 was held in Tallinn.", GOOD),
    ("2024东海气候峰会在杭州举行。", (Label.FALSE,)),
    ("2024东海气候峰会在宁波举行。", GOOD),
    # an office held by one person at a time; the deputy is not the director
    ("Lars Eide is the director of the Skerry Institute for Marine Biology.", (Label.MISATTRIBUTED,)),
    ("Ingrid Solberg is the director of the Skerry Institute for Marine Biology.", GOOD),
    ("韩东是青川海洋生物研究所的所长。", (Label.MISATTRIBUTED,)),
    ("马立群是青川海洋生物研究所的所长。", GOOD),
    # two co-founders claimed, one of them right
    ("Corvid Analytics was co-founded by Anika Rao and Omar Reid.", (Label.PARTLY_TRUE, Label.MISATTRIBUTED)),
    # a value given for another year ("2.1 billion euros in 2021 and 2.5 billion euros in 2022")
    ("Halvorsen Foods reported revenue of 2.1 billion euros in 2022.", (Label.FALSE,)),
    ("Halvorsen Foods reported revenue of 2.5 billion euros in 2022.", GOOD),
    ("禾丰食品2022年营业收入为21亿元。", (Label.FALSE,)),
    ("禾丰食品2022年营业收入为25亿元。", GOOD),
    # where a firm was founded, where a person was born (not where he grew up), what he studied
    ("Halvorsen Foods was founded in Bergen.", (Label.FALSE,)),
    ("禾丰食品1998年在大连成立。", (Label.FALSE,)),
    ("陈立国出生于青岛。", (Label.FALSE,)),
    ("Tomás Serrano was born in Faro.", (Label.FALSE,)),
    ("Tomás Serrano was born in Évora in 1961.", GOOD),
    ("Tomás Serrano studied economics at the University of Minho.", (Label.FALSE,)),
    ("Tomás Serrano served as mayor of Braga from 2008 to 2016.", GOOD),
    # a share bound to another firm, and the subject's own share in the same sentence
    ("Halvorsen Foods holds a 35 percent share of the Nordic frozen-food market.", (Label.FALSE,)),
    ("Halvorsen Foods holds a 20 percent share of the Nordic frozen-food market.", GOOD),
    # on the firm's own page, a sentence about its chief executive is about the firm too, in
    # the claim's words for the relation (appointed, not joined)
    ("Kari Lund was appointed chief executive of Halvorsen Foods in 2018.", (Label.FALSE,)),
    ("Kari Lund was appointed chief executive of Halvorsen Foods in 2016.", GOOD),
    ("Kari Lund joined Halvorsen Foods in 2010.", (Label.PARTLY_TRUE, Label.UNVERIFIABLE)),
    # a given name's short form (Bob for Robert); a Chinese school's short name (北大, 上海交大)
    ("Bob Kettering founded Kettering Instruments in 1981.", GOOD),
    ("Bob Kettering founded Kettering Instruments in 1985.", (Label.FALSE,)),
    ("邵明远2000年毕业于北京大学。", GOOD),
    ("邵明远2000年毕业于复旦大学。", (Label.FALSE,)),
    ("邵明远现任上海交通大学教授。", GOOD),
    ("邵明远现任浙江大学教授。", (Label.FALSE,)),
    # a value given for another named thing ("50 million dollars in a Series A round and 120
    # million dollars in a Series B round"); a rival's head count, in English and Chinese
    ("Tessellate Robotics raised 50 million dollars in its Series B round.", (Label.FALSE,)),
    ("Tessellate Robotics raised 120 million dollars in its Series B round.", GOOD),
    ("Tessellate Robotics has 1,900 employees.", (Label.FALSE,)),
    ("云岭能源员工约8000人。", (Label.FALSE,)),
    ("云岭能源员工约3200人。", GOOD),
    # a visiting post is not the post; the present post is at another school
    ("Hedda Voss is a professor at Yale University.", (Label.FALSE, Label.UNVERIFIABLE)),
    ("Hedda Voss is a professor at the University of Heidelberg.", GOOD),
    ("方晓岚现任耶鲁大学教授。", (Label.FALSE, Label.UNVERIFIABLE)),
    ("方晓岚现任复旦大学教授。", GOOD),
    # the opposite deed in the clause that holds the claim's values
    ("Veltrix was approved by the FDA in 2019.", (Label.FALSE,)),
    ("Veltrix was approved by the European Medicines Agency in 2020.", GOOD),
    # pages that address automated checkers (English and Chinese) are no evidence; a field in a
    # school's name is no field of the prize; a small count of books is the claim's value
    ("Ravi Menon won the Nobel Memorial Prize in Economic Sciences in 2019.", (Label.UNVERIFIABLE,)),
    ("梅农于2019年获得诺贝尔经济学奖。", (Label.UNVERIFIABLE,)),
    ("Ravi Menon received his PhD from Harvard University.", (Label.FALSE,)),
    ("Ravi Menon has written four books on monetary policy.", GOOD),
    ("Ravi Menon has written six books on monetary policy.", (Label.FALSE,)),
    ("Ravi Menon spoke at the monetary policy seminar at the Delhi School of Economics.",
     (Label.PARTLY_TRUE, Label.UNVERIFIABLE)),
    # the class of a prize; a medal of another event in the same sentence; a time to the tenth
    ("杜文涛2019年获得国家科技进步奖一等奖。", (Label.FALSE,)),
    ("杜文涛2019年获得国家科技进步奖二等奖。", GOOD),
    ("Mira Kovac won the gold medal in the 200 metres at the 2016 European Championships.", (Label.FALSE,)),
    ("Mira Kovac won the silver medal in the 200 metres at the 2016 European Championships.", GOOD),
    ("Mira Kovac holds the national record of 48.9 seconds.", (Label.FALSE,)),
    ("Mira Kovac holds the national record of 49.8 seconds.", GOOD),
    # a Chinese figure of the parent firm, in the sentence that names the subsidiary; the
    # chairman named by his post
    ("恒远物流营业收入为50亿元。", (Label.FALSE,)),
    ("恒远物流营业收入为20亿元。", GOOD),
    ("恒远集团董事长为王涛。", (Label.MISATTRIBUTED,)),
    ("恒远集团董事长为邓力。", GOOD),
    # a list of an award's recipients by year; who gives the award
    ("Tomasz Wolski received the Halvard Medal in 2019.", (Label.MISATTRIBUTED,)),
    ("Tomasz Wolski received the Halvard Medal in 2020.", GOOD),
    ("何嘉于2019年获得青松奖。", (Label.MISATTRIBUTED,)),
    ("The Halvard Medal is awarded by the Danish Physics Society.", (Label.MISATTRIBUTED,)),
    ("The Halvard Medal is awarded by the Nordic Physics Society.", GOOD),
    # money raised is no valuation; where a firm is based is no one's birthplace
    ("Brisa Labs was valued at 1 billion euros in 2022.", (Label.UNVERIFIABLE,)),
    ("Brisa Labs raised 1 billion euros in 2022.", (Label.FALSE,)),
    ("Brisa Labs raised 100 million euros in 2022.", GOOD),
    ("Lucía Ferrer was born in Valencia.", (Label.UNVERIFIABLE,)),
    # a role at a firm that no sentence gives (she is its founder): the firm alone confirms nothing
    ("Lucía Ferrer is the chief executive of Brisa Labs.", (Label.UNVERIFIABLE,)),
    # a committee member is not its chair; a professor at a school's department is one at the school
    ("陆子昂曾担任ACL 2021程序委员会主席。", (Label.PARTLY_TRUE, Label.FALSE, Label.UNVERIFIABLE)),
    ("陆子昂曾担任ACL 2021程序委员会委员。", GOOD),
    ("陆子昂是南京大学教授。", GOOD),
    ("陆子昂的h指数为53。", (Label.FALSE, Label.UNVERIFIABLE)),
    # a year in a "where …" clause; another employer in the claim's years; a degree is no owner
    ("Orla Byrne has worked at Trinity College Dublin since 2009.", (Label.FALSE,)),
    ("Orla Byrne has worked at Trinity College Dublin since 2011.", GOOD),
    ("Orla Byrne was a researcher at Google Research from 2005 to 2011.", (Label.FALSE,)),
    ("Orla Byrne was a researcher at IBM Research from 2005 to 2011.", GOOD),
    ("Orla Byrne has supervised 32 PhD students.", (Label.FALSE,)),
    ("Orla Byrne has supervised 23 PhD students.", GOOD),
    # a Chinese profile: another employer in the claim's years, a contributor's rank, a count of papers
    ("顾明哲2009年至2014年任职于阿里巴巴。", (Label.FALSE,)),
    ("顾明哲2009年至2014年任职于腾讯。", GOOD),
    ("顾明哲2016年加入浙江大学。", (Label.FALSE,)),
    ("顾明哲以第一完成人身份获得2020年度国家科学技术进步奖二等奖。", (Label.FALSE,)),
    ("顾明哲以第二完成人身份获得2020年度国家科学技术进步奖二等奖。", GOOD),
    ("顾明哲已发表SCI论文100余篇。", (Label.FALSE,)),
    ("顾明哲主持国家自然科学基金重点项目。", (Label.UNVERIFIABLE, Label.FALSE)),
    # Chinese claims against English pages: a post in a field, a recipients list, a joining year
    ("Elena Marchetti 现任物理学教授。", GOOD),
    ("Elena Marchetti 于2020年获得Enrico Fermi Prize。", (Label.MISATTRIBUTED,)),
    ("Elena Marchetti 于2021年获得Enrico Fermi Prize。", GOOD),
    ("2015年 Elena Marchetti 加入米兰大学(University of Milan)。", (Label.FALSE,)),
    ("Elena Marchetti 的团队建造了TESSA探测器。", GOOD),  # 建造 … 探测器 / "built the TESSA detector"
    # a mission's principal investigator is one person ("Its principal investigator was …")
    ("The principal investigator of the Kepler space telescope was Natalie Batalha.", (Label.MISATTRIBUTED,)),
    ("The principal investigator of the Kepler space telescope was William Borucki.", GOOD),
    # a news report: a weekday owns no figure; a change of another size or direction
    ("Norvale Energy's revenue rose 12 percent to 3.4 billion dollars in the second quarter.", GOOD),
    ("Norvale Energy's revenue rose 21 percent in the second quarter.", (Label.FALSE,)),
    ("Norvale Energy's net profit rose 8 percent in the second quarter.", (Label.FALSE,)),
    ("Norvale Energy's net profit fell 8 percent to 410 million dollars.", GOOD),
    # a rank: the place the page gives the claim's thing ("the second-largest" is no "largest")
    ("Helix Dynamics is the largest drone maker in the Netherlands.", (Label.FALSE,)),
    ("Helix Dynamics is the second-largest drone maker in the Netherlands.", GOOD),
    ("Marisol Quintero was the first woman to lead the Chilean Antarctic Institute.", (Label.FALSE,)),
    ("Marisol Quintero was the second woman to lead the Chilean Antarctic Institute.", GOOD),
    ("Marisol Quintero was born on 12 May 1980.", (Label.FALSE,)),
    ("Marisol Quintero launched the Humboldt Kelp Survey in March 2021.", (Label.FALSE,)),
    ("Marisol Quintero won the Blue Planet Prize.", (Label.FALSE,)),
    # words reported as said, given to the wrong speaker
    ("AeroNed said the company would double its factory space.", (Label.MISATTRIBUTED,)),
    ("Helix Dynamics employed over 500 people at the end of 2022.", (Label.FALSE,)),
    ("Helix Dynamics was founded in Amsterdam.", (Label.UNVERIFIABLE, Label.FALSE)),
    # a funding round's letter; a count led by 公司 (the firm the page is about); 北大 is 北京大学
    ("青岚生物在2022年完成了5000万美元的C轮融资。", GOOD),
    ("青岚生物在2022年完成了5000万美元的B轮融资。", (Label.FALSE,)),
    ("青岚生物拥有员工约320人。", GOOD),
    ("青岚生物拥有员工约3200人。", (Label.FALSE,)),
    ("陈思远本科毕业于北大。", GOOD),
    ("陈思远在哈佛大学获得博士学位。", (Label.FALSE,)),
    # a unit of measure names the quantity: a 30 km range is no top speed of 30 km/h
    ("The Kite 4 has a range of 30 kilometres.", GOOD),
    ("The Kite 4 has a range of 90 kilometres.", (Label.FALSE,)),
    ("The Kite 4 has a top speed of 90 km/h.", GOOD),
    ("The Kite 4 has a top speed of 30 km/h.", (Label.FALSE, Label.UNVERIFIABLE)),
    ("Lumora's cells charge to 80% in 12 minutes.", GOOD),
    ("Lumora's cells charge to 80% in 20 minutes.", (Label.FALSE,)),
    ("Lumora's cells store 410 watt-hours per kilogram.", GOOD),
    ("Lumora's factory in Trondheim will employ 6,000 people.", (Label.FALSE,)),
    ("铁臂-5的负载能力为25公斤。", GOOD),
    ("铁臂-5的负载能力为0.02公斤。", (Label.FALSE, Label.UNVERIFIABLE)),
    # a date that leads the sentence dates the clause after it; a versioned name after a verb
    ("国安智能于2023年9月发布了铁臂-5。", GOOD),
    ("国安智能于2023年3月发布了铁臂-5。", (Label.FALSE,)),
    ("国安智能2022年营收为86亿元。", (Label.FALSE,)),
    ("国安智能由王建华创立。", (Label.MISATTRIBUTED,)),
    # a financing round has one lead investor; a participant did not lead it
    ("Lumora raised $40 million in a Series B round led by Northwind Capital.", GOOD),
    ("Lumora raised $40 million in a round led by Fjord Ventures.", (Label.MISATTRIBUTED,)),
    # a number of the subject's other thing, placed elsewhere ("Its first factory, in
    # Eindhoven, employs 410 people" is not the Ghent plant)
    ("The Ghent plant will employ 240 people.", GOOD),
    ("The Ghent plant will employ 410 people.", (Label.FALSE,)),
    # a date the sentence gives to another event ("joined … in 2009 and was promoted … in 2015")
    ("Astrid Solheim was promoted to full professor in 2015.", GOOD),
    ("Astrid Solheim was promoted to full professor in 2009.", (Label.FALSE,)),
    ("Astrid Solheim joined the University of Bergen in 2015.", (Label.FALSE,)),
    # the field of a degree ("a PhD in oceanography" is no PhD in marine biology)
    ("Astrid Solheim received her PhD in oceanography from the University of Tromsø in 2004.", GOOD),
    ("Astrid Solheim received her PhD in marine biology from the University of Tromsø in 2004.", (Label.FALSE,)),
    ("洪启明在中国海洋大学获得海洋学博士学位。", GOOD),
    ("洪启明在中国海洋大学获得生态学博士学位。", (Label.FALSE,)),
    ("洪启明于2016年晋升为教授。", GOOD),
    ("洪启明于2011年晋升为教授。", (Label.FALSE,)),
    # a head count after a time word (目前员工约1200人) is the firm's; a count of people is
    # no energy density (1200人 / 每公斤380瓦时)
    ("金澜科技目前员工约1200人。", GOOD),
    ("金澜科技目前员工约3000人。", (Label.FALSE, Label.UNVERIFIABLE)),
    # a deed credited to "He" is credited to the person the page is about, by name
    ("Tomas Lind designed the Quartz type checker.", GOOD),
    ("Ingrid Falk designed the Quartz type checker.", (Label.MISATTRIBUTED,)),
    # a peak is one value ("up to 140 km/h" is no "up to 160 km/h"); a value given for the
    # year before ("a loss of €12 million a year earlier") is not the claim's year's
    ("Storm Elin brought winds of up to 140 km/h.", GOOD),
    ("Storm Elin brought winds of up to 160 km/h.", (Label.FALSE,)),
    ("Fjellfly Air reported a net profit of €45 million for the third quarter of 2024.", GOOD),
    ("Fjellfly Air reported a loss of €12 million for the third quarter of 2024.",
     (Label.PARTLY_TRUE, Label.FALSE, Label.UNVERIFIABLE)),
    # a Chinese head count names what it counts before the number (在校生 / 研究生, 院士 / 名师)
    ("新源大学现有在校生3.2万人。", GOOD),
    ("新源大学现有研究生3.2万人。", (Label.FALSE, Label.UNVERIFIABLE)),
    ("新源大学现有院士12人。", (Label.FALSE,)),
    # a date in an "and" clause of the claim's own words ("studied … at X and graduated in
    # 2003"); another person who studied the same subject in the same year did not take the deed
    ("Kaito Brennan studied astronomy at the University of Toronto and graduated in 2003.", GOOD),
    ("Kaito Brennan studied astronomy at the University of Toronto and graduated in 2006.", (Label.FALSE,)),
    ("Wren Adeyemi studied astronomy at the University of Lagos and graduated in 2003.", GOOD),
    # a semicolon ends a clause (the founding's year is not the acquisition's); a Chinese deed
    # against an English page (被谷歌收购 / "acquired by Microsoft")
    ("Omar Reyes co-founded Tidalscribe in 2018.", GOOD),
    ("Tidalscribe于2021年被微软收购。", GOOD),
    ("Tidalscribe于2021年被谷歌收购。", (Label.MISATTRIBUTED,)),
    # a work is released once: its date in a trailing participle ("…, released in 2008")
    ("The Sable compiler was released in 2008.", GOOD),
    ("The Sable compiler was released in 2010.", (Label.FALSE,)),
    # "$40m" is $40 million: a lower-case scale letter beside money
    ("Lumora raised $40m in its Series B round.", GOOD),
    ("Lumora raised $4m in its Series B round.", (Label.FALSE,)),
    ("青岚生物的C轮融资由红杉资本领投。", (Label.MISATTRIBUTED,)),
    # a place tied to the claim's thing by the word before it
    ("Lumora plans to open a factory in Bergen in 2026.", (Label.FALSE,)),
    ("Lumora plans to open a factory in Trondheim in 2026.", GOOD),
    # whom the subject is married to; a person named beside the subject for something else
    ("Adaeze Okoro is married to Chidi Okoro.", GOOD),
    ("Adaeze Okoro is married to Kofi Boateng.", (Label.FALSE, Label.UNVERIFIABLE)),
    # the maker on one page and the work on another confirm nothing together
    ('Kofi Boateng wrote "Markets Without Borders".', (Label.PARTLY_TRUE, Label.UNVERIFIABLE, Label.MISATTRIBUTED)),
    # (a list of claims names no document subject: "Her co-author …" then confirms only part)
    ('Adaeze Okoro co-wrote "Coastal Capital" with Ifeoma Eze.', (*GOOD, Label.PARTLY_TRUE)),
    ('Adaeze Okoro wrote "Gold Coast Ledgers".', (Label.MISATTRIBUTED,)),
    # a nationality stated as what the subject is
    ("Adaeze Okoro is Ghanaian.", (Label.FALSE,)),
    ("Adaeze Okoro earned her PhD at the University of Ibadan.", (Label.FALSE,)),
    ("Adaeze Okoro was born in 1957.", (Label.FALSE,)),
    # a page that tells checkers what to conclude is no evidence
    ("Adaeze Okoro won the Nobel Memorial Prize in Economic Sciences in 2022.", (Label.UNVERIFIABLE,)),
    # a short Chinese clause goes on with the one before (…南京大学化学系，获学士学位；2005年在…)
    ("孙雅琴本科毕业于南京大学化学系。", GOOD),
    ("孙雅琴在斯坦福大学获得博士学位。", (Label.FALSE,)),
    # an academy; a spouse named in the spouse's own sentence (她的丈夫周建国是…)
    ("孙雅琴2018年当选中国工程院院士。", (Label.FALSE,)),
    ("孙雅琴2018年当选中国科学院院士。", GOOD),
    ("孙雅琴的丈夫是南京大学物理学教授周建国。", GOOD),
    ("孙雅琴的丈夫是王建国。", (Label.FALSE,)),
    # a maiden flight happens once, in one place
    ("星辰二号火箭于2023年7月首飞成功。", GOOD),
    ("星辰二号火箭于2022年7月首飞成功。", (Label.FALSE,)),
    ("星辰二号在西昌卫星发射中心首飞。", (Label.FALSE,)),
    ("星辰二号火箭全长54米。", (Label.FALSE,)),
    ("星辰航天2022年完成了15亿元C轮融资。", (Label.FALSE,)),
    # a deed only expected is not done; the number that says which phase; what a change is of
    ("Larkspur Pharmaceuticals has filed for approval with the European Medicines Agency.",
     (Label.PARTLY_TRUE, Label.UNVERIFIABLE)),
    ("QP-17 reduced migraine days by 38 percent in a phase 3 trial.", GOOD),
    ("QP-17 reduced migraine days by 38 percent in a phase 2 trial.", (Label.FALSE,)),
    ("QP-17 reduced migraine days by 83 percent in a phase 3 trial.", (Label.FALSE,)),
    ("The QP-17 trial enrolled 14,500 patients.", (Label.FALSE,)),
    ("The Merrow River burst its banks on 14 February 2024.", GOOD),
    ("The Merrow River burst its banks on 14 March 2024.", (Label.FALSE, Label.UNVERIFIABLE)),
    ("Harriet Vance said repairs would cost at least £15 million.", GOOD),
    ("The government has pledged £15 million in emergency aid.", (Label.PARTLY_TRUE, Label.FALSE, Label.UNVERIFIABLE)),
    # a reader's comment that only heard it; a Chinese page that tells the checker what to conclude
    ("Mina Brandt won the Turing Award.", (Label.UNVERIFIABLE,)),
    ("Mina Brandt is a computer scientist at TUM.", GOOD),
    ("Wilhelmina Brandt received the Leibniz Prize in 2016.", GOOD),
    ("Mina Brandt received the Leibniz Prize in 2018.", (Label.FALSE,)),
    ("Mina Brandt was president of the German Informatics Society until 2023.", (Label.FALSE, Label.PARTLY_TRUE)),
    ("Mina Brandt is Austrian.", (Label.FALSE,)),
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, use_embedder: Any) -> Report:
    tmp = tmp_path_factory.mktemp("traps")
    claims = tmp / "claims.txt"
    claims.write_text("\n".join(text for text, _ in CASES) + "\n", encoding="utf-8")
    return veracity.check(
        claims, claims=True, corpus=[CORPUS], settings=settings_for(tmp), tools=Shared(embedder=use_embedder),
    )


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[t for t, _ in CASES])
def test_trap(report: Report, text: str, expected: tuple[Label, ...]) -> None:
    assert all("notice" not in ev.source.url for row in report.claims for ev in row.evidence)
    row = next(r for r in report.claims if r.text == text)
    assert row.verdict.label in expected, (row.verdict.label, row.verdict.rationale)
    if row.verdict.label in (Label.FALSE, Label.MISATTRIBUTED):
        # the deciding quote comes first and says what contradicts the claim
        assert row.evidence and row.evidence[0].stance == Stance.REFUTES
    for ev in row.evidence:
        if ev.stance == Stance.SUPPORTS:
            assert "GPT-3" not in ev.quote
